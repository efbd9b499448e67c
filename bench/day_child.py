"""Child for the plaintext scan: a scripted day of use through the services, as the app does it.

    python -m bench.day_child VAULT_DIR EXPORT_DIR SAMPLE_CSV

The markers come from the environment (MARK_NAME, MARK_VOICE, MARK_NOTE, MARK_SAFE, MARK_DRAFT,
MARK_RISK for the checklist rationale), never from a file. The day: settings saved, vault unlocked, incidents created with the victim's
name, visits recorded with every section, a draft autosaved, cases opened, the shared sample
tracker imported, the tracker exported (CSV and XLSX) and three PDFs written where the user
chose (EXPORT_DIR), an error with personal data in its bound values logged the way the app logs
errors. Prints "SAVED" with the vault still open (the WAL is live), waits for a line on stdin,
then locks and prints "LOCKED".
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import call_accepting, open_vault
from bench.gen import complete_form


def main() -> None:
    from sqlalchemy.exc import IntegrityError

    from fieldapp import log as applog
    from fieldapp import settings as app_settings
    from fieldapp.domain import records as r
    from fieldapp.reports import write_pdf
    from fieldapp.services import (
        capture,
        drafts,
        queries,
        reporting,
        tracker_export,
        tracker_import,
    )
    from fieldapp.services.visit_form import save_visit_form
    from fieldapp.store import orm

    vault_dir, export_dir, sample = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    m = {k: os.environ[f"MARK_{k}"] for k in ("NAME", "VOICE", "NOTE", "SAFE", "DRAFT", "RISK")}
    applog.harden_process()
    applog.setup(vault_dir / "logs")
    app_settings.save_settings(app_settings.Settings(lock_minutes=7))
    vault, store = open_vault(vault_dir)
    log = logging.getLogger("fieldapp.services")
    now = datetime.now(UTC)
    case_ids = []
    for i in range(6):
        with store.uow() as uow:
            case = capture.create_incident(uow=uow, incident=r.IncidentIn(
                police_ref=f"LC-DAY-{i}", bcu="WEST", district="BLACKPOOL",
                police_visit_at=now - timedelta(hours=5 + i),
                victim_name=f"{m['NAME']} {i}", allocated_to="IDVA01"))
            uow.commit()
        case_ids.append(case.case_id)
        log.info("incident created", extra={"case_id": str(case.case_id)})
    for i, case_id in enumerate(case_ids[:4]):
        form = complete_form(now, n=i, marker=m["NOTE"], risk_marker=m["RISK"])
        form = form.model_copy(update={
            "new_voice": [r.VoiceEntryIn(words=f"She said: {m['VOICE']} {i}", goals=["BE_DA_FREE"],
                                         consent_to_share="YES")],
            "safe_contact": r.SafeContactIn(method="PHONE", safe_number="07700 900456",
                                            safe_times=f"{m['SAFE']} mornings")})
        with store.uow() as uow:
            drafts.save_draft(uow=uow, key=f"case:{case_id}", payload={"note": f"{m['DRAFT']} {i}"})
            uow.commit()
        with store.uow() as uow:
            save_visit_form(uow=uow, case_id=case_id, form=form, draft_key=f"case:{case_id}")
        log.info("visit saved", extra={"case_id": str(case_id), "count": 1})
    with store.uow() as uow:  # one draft left open, as after a crash
        drafts.save_draft(uow=uow, key=f"case:{case_ids[4]}", payload={"note": m["DRAFT"]})
        uow.commit()
    for case_id in case_ids:
        with store.uow() as uow:
            queries.get_case(uow=uow, case_id=case_id)
            uow.commit()
    with store.uow() as uow:
        tracker_import.import_tracker(uow=uow, path=sample)
    # An error whose bound values hold personal data, logged as the app logs errors.
    try:
        with store.uow() as uow:
            uow.session.add(orm.VoiceEntry(
                id=uuid.uuid4(), case_id=uuid.uuid4(), words=f"Broken {m['VOICE']}", verbatim=True,
                goals=[], consent_scope=[], recorded_at=now, recorded_by=m["NAME"]))
            uow.session.flush()
    except IntegrityError:
        log.exception("save failed")
    # What the user asked for: exports and PDFs in the folder they chose.
    for fmt in ("csv", "xlsx"):
        with store.uow() as uow:
            tracker_export.export_tracker(uow=uow, out=export_dir / f"tracker.{fmt}", fmt=fmt,
                                          recipient="Evaluators", purpose="monthly return")
            uow.commit()
    pdfs = {
        "case-summary.pdf": lambda uow: call_accepting(
            reporting.case_summary_pdf, uow=uow, case_id=case_ids[0], include_voice=False,
            purpose="supervision", recipient="Supervisor"),
        "kpi.pdf": lambda uow: call_accepting(
            reporting.kpi_pdf, uow=uow, flt=None, filters_text="All records",
            purpose="team meeting", recipient="Team"),
        "caseload.pdf": lambda uow: call_accepting(
            reporting.caseload_pdf, uow=uow, idva=None, purpose="supervision",
            recipient="Supervisor"),
    }
    for name, build in pdfs.items():
        with store.uow() as uow:
            data = build(uow)
            write_pdf(data, export_dir / name)
            if hasattr(reporting, "record_disclosure"):
                reporting.record_disclosure(uow=uow, record_type="report", record_id=name,
                                            purpose="scripted day", recipient="Supervisor",
                                            fields=["report"], event=f"saved as {name}")
            uow.commit()
    print("SAVED", flush=True)
    sys.stdin.readline()
    vault.lock()
    print("LOCKED", flush=True)


if __name__ == "__main__":
    main()
