"""Child for the crash test: saves complete visits in a loop and reports each commit.

Run as: python _save_child.py VAULT_DIR PASSPHRASE_FILE
Prints "READY" once open, then "COMMITTED <case_id>" after each commit returns.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldapp.domain import records as r
from fieldapp.domain.enums import OfferStatus, OfferType, RiskAnswer
from fieldapp.services import capture
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.store import Store
from fieldapp.vault import Vault


def main() -> None:
    vault = Vault.open(Path(sys.argv[1]))
    vault.unlock(bytearray(Path(sys.argv[2]).read_bytes().strip()))
    store = Store.open(vault)
    print("READY", flush=True)
    n = 0
    while True:
        n += 1
        now = datetime.now(UTC)
        with store.uow() as uow:
            case = capture.create_incident(uow=uow, incident=r.IncidentIn(
                police_ref=f"CRASH-{n}", bcu="WEST", police_visit_at=now - timedelta(hours=3),
                victim_name=f"Crash Person {n}"))
            save_visit_form(uow=uow, case_id=case.case_id, form=VisitForm(
                visit=r.VisitIn(idva_visit_at=now - timedelta(minutes=1), mode="JOINT", note="n" * 400),
                offers=[r.OfferIn(offer_type=OfferType.IDVA_SUPPORT, status=OfferStatus.ACCEPTED)],
                risk=r.RiskIn(answers=[RiskAnswer.NO] * 24),
                new_voice=[r.VoiceEntryIn(words=f"words {n} " * 50)],
            ))
        print(f"COMMITTED {case.case_id}", flush=True)


if __name__ == "__main__":
    main()
