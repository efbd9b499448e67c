"""Render the PDF preview of a case summary at 1366x768 to a PNG file.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/_render_pdf_preview.py docs/screenshots

Fictional data in a throwaway vault; nothing real is ever rendered. The preview uses QtPdf when
this PySide6 has it; ``--pdfium`` renders the pypdfium2 fallback instead (to compare the two),
into ``pdf-preview-pdfium.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FIELDAPP_TEST_FAST_KDF", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from case_fixtures import close_context, make_context, new_case  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import fieldapp.ui.qt_compat  # noqa: E402,F401 - before the first Qt call
from fieldapp.domain import records as r  # noqa: E402
from fieldapp.services import capture  # noqa: E402
from fieldapp.ui.dialogs import report_pdf_pages  # noqa: E402
from fieldapp.ui.dialogs.report_options_dialog import titles  # noqa: E402
from fieldapp.ui.dialogs.report_request import ReportKind, ReportRequest, build_report  # noqa: E402
from fieldapp.ui.pdf_preview import PdfPreview  # noqa: E402
from fieldapp.ui.screenshots import SIZE, _save_small  # noqa: E402


def settle(app: QApplication, seconds: float = 0.5) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def render(app: QApplication, context, out: Path, suffix: str) -> Path:
    case_id = new_case(context, hours_ago=3, ref="LC-20250301-0042")
    with context.uow() as uow:
        capture.add_voice_entry(uow=uow, case_id=case_id, entry=r.VoiceEntryIn(
            words="I want him to stop coming round to the house."))
        uow.commit()
    request = ReportRequest(kind=ReportKind.CASE, recipient="Team supervisor",
                            purpose="monthly supervision", case_id=case_id)
    built = build_report(context, request)
    preview = PdfPreview(built.data, title=titles()[ReportKind.CASE],
                         suggested_name=built.file_name)
    preview.resize(*SIZE)
    preview.show()
    settle(app)
    path = out / f"pdf-preview{suffix}.png"
    _save_small(preview.grab(), path, type(preview.grab()))
    print(type(preview.source).__name__, "->", path)
    preview.reject()
    return path


def main(argv: list[str]) -> None:
    pdfium = "--pdfium" in argv
    args = [a for a in argv if a != "--pdfium"]
    out = Path(args[0] if args else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    if pdfium:
        report_pdf_pages.qtpdf_module = lambda: None
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        context = make_context(Path(tmp) / "vault", user="IDVA01")
        try:
            render(app, context, out, "-pdfium" if pdfium else "")
        finally:
            close_context(context)


if __name__ == "__main__":
    main(sys.argv[1:])
