"""Nothing clipped at 100%, 125% and 150% (issue 16, item 5): every dialog, one process a scale.

Each scale runs ``_dialog_fit_child.py`` in its own process with ``QT_SCALE_FACTOR`` (Qt reads
it once, at start) and the font scaled alike; the child opens every dialog in its empty and
refused states and lists every label, check box or button whose text does not fit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from fieldapp.services import identity
from fieldapp.store import Store
from fieldapp.vault import Vault

CHILD = Path(__file__).with_name("_dialog_fit_child.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def material(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("fit")
    vault = Vault.create(base / "vault", passphrase=bytearray(b"correct horse battery staple"),
                         user="Sam Example", role="idva")
    store = Store.open(vault)
    with store.uow() as uow:
        identity.set_own_staff_code(uow=uow, code="IDVA01")
        uow.commit()
    vault.lock()
    pdf = base / "case.pdf"
    page = canvas.Canvas(str(pdf), pagesize=A4)
    page.drawString(72, 760, "OFFICIAL-SENSITIVE - a one-page PDF for the preview")
    page.save()
    (base / "tracker.csv").write_text("visit_id\n", encoding="utf-8")
    return base / "vault", pdf


@pytest.mark.parametrize("scale", ["1", "1.25", "1.5"])
def test_no_dialog_text_is_clipped(material, scale):
    vault, pdf = material
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "FIELDAPP_TEST_FAST_KDF": "1"}
    proc = subprocess.run([sys.executable, str(CHILD), scale, str(vault), str(pdf)],
                          capture_output=True, text=True, timeout=180, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["problems"] == [], "\n".join(result["problems"])
