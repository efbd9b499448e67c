"""Which device may make which change: the hub is the authority (docs/sync-protocol.md
"Allocation and roles").

- Allocation and re-allocation (a case's ``allocated_to``) are a coordinator's. From any other
  device an op that allocates is refused: a ``case`` op changing ``allocated_to`` of a case, a
  new case (``case``/``incident``/``tracker_row``) allocated to anyone but the device's own staff
  code.
- A supervisor's device holds its team's cases read-only: every op it sends is refused.
- From a device that is not a coordinator's, an op of a case the hub does not hold and whose
  creation is not in the same bundle (or was refused) is refused too: the hub never holds ops
  of a case it has no record of.

A refused op is stored (``ops.refused`` holds the code) and never applied; the rest of its bundle
applies. The receipt lists each with words the laptop shows the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sync.hub.service.devices import Device
from sync.protocol.models import Op

ALLOCATION = "allocation_not_allowed"
READ_ONLY = "read_only_device"
NO_CASE = "case_not_created"

WORDS = {
    ALLOCATION: "only a coordinator can allocate or re-allocate a case; this change was not "
                "applied (the case stays with the IDVA the coordinator chose). Ask the "
                "coordinator if it should move.",
    NO_CASE: "this change belongs to a case the hub has no record of (its creation on this "
             "laptop was refused: it was allocated to someone else); it was not applied. Ask "
             "the coordinator to create and allocate the case.",
    READ_ONLY: "a supervisor's laptop holds its team's cases read-only; this change was not "
               "applied. Ask the case's IDVA or the coordinator to make it.",
}


@dataclass(frozen=True)
class Refusal:
    op_id: str
    code: str

    def statement(self) -> dict[str, str]:
        return {"op_id": self.op_id, "code": self.code, "reason": WORDS[self.code]}


def _allocates(op: Op, *, own_code: str, case_known: bool, held_by: str | None = None) -> bool:
    value = op.value
    if op.entity == "case":
        if "allocated_to" not in value:
            return False
        target = value.get("allocated_to")
        if "incident_id" not in value or target not in ("", own_code):
            return True
        # A case's creation op, allocated to no one or to this device's own code. The hub may
        # already hold the case from its incident op alone (a bundle boundary fell between the
        # two): that is still a creation, unless the hub's copy is someone else's, which would
        # make this op a re-allocation in disguise.
        return case_known and (held_by or "") not in ("", own_code)
    if op.entity == "incident" and not case_known:
        return value.get("allocated_to", "") not in ("", own_code)
    if op.entity == "tracker_row" and not case_known:
        return (value.get("idva_code") or "") not in ("", own_code)
    return False


_CREATES = ("incident", "case", "tracker_row")


def refusals(device: Device, new_ops: list[Op], *,
             known_cases: Mapping[str, str | None]) -> dict[str, Refusal]:
    """op id -> why, for every op of ``new_ops`` (one bundle's, in order) the hub refuses.
    ``known_cases``: case id -> its allocation on the hub, for the cases the hub holds."""
    out: dict[str, Refusal] = {}
    for op in new_ops:
        why = refusal(device, op, case_known=op.case_id in known_cases,
                      held_by=known_cases.get(op.case_id))
        if why is not None:
            out[op.op_id] = why
    if device.role == "coordinator":
        return out
    making = [op for op in new_ops if op.entity in _CREATES and op.case_id not in known_cases]
    created = ({op.case_id for op in making if op.op_id not in out}
               - {op.case_id for op in making if op.op_id in out})
    for op in new_ops:
        if op.op_id not in out and op.case_id not in known_cases and op.case_id not in created:
            out[op.op_id] = Refusal(op.op_id, NO_CASE)
    return out


def refusal(device: Device, op: Op, *, case_known: bool,
            held_by: str | None = None) -> Refusal | None:
    """Why the hub refuses ``op`` from ``device`` (None: it may make it). ``case_known``: the
    hub already holds the op's case, allocated to ``held_by``."""
    if device.role == "coordinator":
        return None
    if device.role == "supervisor":
        return Refusal(op.op_id, READ_ONLY)
    if _allocates(op, own_code=device.staff_code, case_known=case_known, held_by=held_by):
        return Refusal(op.op_id, ALLOCATION)
    return None
