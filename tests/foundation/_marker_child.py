"""Child for the plaintext scan: saves records carrying a marker, then waits to be told to exit.

The marker comes from the environment so that it is never written to a file by the test itself.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldapp import log
from fieldapp.domain import records as r
from fieldapp.services import capture, drafts, queries
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.store import Store
from fieldapp.vault import Vault


def main() -> None:
    marker = os.environ["MARKER"]
    log.harden_process()
    vault_dir = Path(sys.argv[1])
    log.setup(vault_dir / "logs")
    vault = Vault.open(vault_dir)
    vault.unlock(bytearray(os.environ["FIELDAPP_PASSPHRASE"].encode()))
    store = Store.open(vault)
    now = datetime.now(UTC)
    with store.uow() as uow:
        case = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-SCAN-1", bcu="EAST", police_visit_at=now - timedelta(hours=2),
            victim_name=f"Name {marker}"))
        save_visit_form(uow=uow, case_id=case.case_id, form=VisitForm(
            visit=r.VisitIn(idva_visit_at=now, mode="JOINT", note=f"Note {marker}"),
            new_voice=[r.VoiceEntryIn(words=f"Voice {marker}")],
            safe_contact=r.SafeContactIn(method="EMAIL", safe_times=f"Times {marker}"),
        ))
    with store.uow() as uow:
        drafts.save_draft(uow=uow, key=f"case:{case.case_id}", payload={"words": f"Draft {marker}"})
        uow.commit()
    with store.uow() as uow:
        queries.get_case(uow=uow, case_id=case.case_id)
        uow.commit()
    print("SAVED", flush=True)
    sys.stdin.readline()
    vault.lock()
    print("LOCKED", flush=True)


if __name__ == "__main__":
    main()
