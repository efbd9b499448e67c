"""Under CI=true a test that cannot run fails with its reason (tests/conftest.py); elsewhere a skip
stays a skip. Each case runs pytest in a subprocess on a throwaway suite that carries the real
tests/conftest.py (and the module it imports), so the hooks under test are the suite's own."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]

SUITE = '''
import sys

import pytest


@pytest.fixture
def a_service():
    pytest.skip("the widget service is not running")


def test_skip_in_the_body():
    pytest.skip("no scanner attached")


def test_importorskip_in_the_body():
    pytest.importorskip("fieldapp_no_such_module_for_ci")


@pytest.mark.skipif(True, reason="needs the station hub")
def test_skipif_mark():
    pass


def test_skip_in_a_fixture(a_service):
    pass


@pytest.mark.skipif(sys.platform == "no-such-platform", reason="another platform only")
def test_platform_skip_that_does_not_apply_here():
    pass


@pytest.mark.xfail(reason="a known bug", strict=True)
def test_expected_failure():
    raise AssertionError


def test_plain():
    pass
'''

MODULE_SKIP = '''
import pytest

pytest.importorskip("fieldapp_no_such_module_for_ci", reason="the optional engine is missing")


def test_never_collected():
    pass
'''

PREFIX = "skipped under CI=true, which does not allow skips: "
REASONS = ["no scanner attached", "could not import 'fieldapp_no_such_module_for_ci'",
           "needs the station hub", "the widget service is not running"]


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest((TESTS / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(sample_data=(TESTS / "sample_data.py").read_text(encoding="utf-8"))
    return pytester


def run(suite: pytest.Pytester, *args: str) -> pytest.RunResult:
    return suite.runpytest_subprocess("-p", "no:cacheprovider", "-rA", *args)


@pytest.mark.parametrize("workers", [[], ["-n", "1"]], ids=["plain", "xdist"])
def test_under_ci_every_skip_fails_with_its_reason(suite, monkeypatch, workers):
    suite.makepyfile(test_cases=SUITE)
    monkeypatch.setenv("CI", "true")
    result = run(suite, *workers)
    # Skips in the body fail; skips at setup (a skipif mark, a fixture) are errors: both fail the run.
    result.assert_outcomes(passed=2, failed=2, errors=2, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    for reason in REASONS:
        assert PREFIX + reason in out, reason
    assert "SKIPPED" not in out


def test_under_ci_a_module_that_skips_itself_is_a_collection_error(suite, monkeypatch):
    suite.makepyfile(test_module_skip=MODULE_SKIP)
    monkeypatch.setenv("CI", "true")
    result = run(suite)
    assert result.ret != pytest.ExitCode.OK
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "ERROR collecting test_module_skip.py" in out
    assert PREFIX + "the optional engine is missing" in out


@pytest.mark.parametrize("ci", [None, "1"])
def test_outside_ci_a_skip_stays_a_skip(suite, monkeypatch, ci):
    suite.makepyfile(test_cases=SUITE, test_module_skip=MODULE_SKIP)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    result = run(suite)
    result.assert_outcomes(passed=2, skipped=5, xfailed=1)
    assert result.ret == pytest.ExitCode.OK
    assert PREFIX not in result.stdout.str()
