"""Fixtures for the report tests: hand-built cases and a network tripwire."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from fieldapp.domain.records import CaseOut

from .builders import HOSTILE_NAME, HOSTILE_WORDS, make_case


@pytest.fixture
def case() -> CaseOut:
    return make_case()


@pytest.fixture
def hostile_case() -> CaseOut:
    return make_case(victim_name=HOSTILE_NAME, words=HOSTILE_WORDS)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Any outbound connection attempt is recorded and refused; the test then fails."""
    attempts: list[object] = []

    def refuse(self: object, address: object, *args: object) -> None:
        attempts.append(address)
        raise OSError("network use is forbidden while rendering a report")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection",
                        lambda address, *a, **k: refuse(None, address))
    yield attempts
    assert attempts == [], f"a report tried to connect to {attempts}"
