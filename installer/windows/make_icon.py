"""Render the app icon (installer/linux/fieldapp.svg) into a Windows .ico for the programs.

The spec calls :func:`write_icon` on Windows with the bundle venv's PySide6 (its SVG renderer)
and Pillow (the ICO writer), so no second copy of the icon is kept as a binary file. Runnable by
hand: ``python installer/windows/make_icon.py SVG OUT.ico``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256)


def write_icon(svg: Path, out: Path) -> Path:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - needed
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    png = out.with_suffix(".png")
    if not image.save(str(png), "PNG"):
        raise RuntimeError(f"could not write {png}")
    # Qt's ICO writer stores a single size; Pillow (a reportlab dependency, so in the bundle
    # venv) writes every size Windows picks from (Explorer, Start menu, taskbar, title bar).
    from PIL import Image

    with Image.open(png) as large:
        large.save(out, format="ICO", sizes=[(s, s) for s in SIZES])
    png.unlink()
    return out


if __name__ == "__main__":
    write_icon(Path(sys.argv[1]), Path(sys.argv[2]))
