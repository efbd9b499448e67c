"""Write the PyInstaller version file (the Windows VERSIONINFO resource) from the package version.

The spec calls :func:`write_version_file` on Windows; Inno Setup then reads the version back
from the built fieldapp.exe (GetVersionNumbersString), so the package's ``__version__`` is the
only place a version is written. Runnable by hand too:
``python installer/windows/make_version_file.py OUT.txt 0.1.0``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

COMPANY = "Operation Provide"
PRODUCT = "fieldapp"
DESCRIPTION = "Operation Provide field recorder"

TEMPLATE = """# UTF-8
# Generated from fieldapp.__version__ by installer/windows/make_version_file.py: do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '080904B0',
        [StringStruct('CompanyName', {company!r}),
         StringStruct('FileDescription', {description!r}),
         StringStruct('FileVersion', {text!r}),
         StringStruct('InternalName', {product!r}),
         StringStruct('OriginalFilename', {product_exe!r}),
         StringStruct('ProductName', {product!r}),
         StringStruct('ProductVersion', {text!r})])
    ]),
    VarFileInfo([VarStruct('Translation', [2057, 1200])])
  ]
)
"""


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` -> (0, 1, 0, 0); a pre-release or local suffix is dropped (``1.2.3rc1`` -> 1.2.3)."""
    match = re.match(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?", version)
    if not match:
        raise ValueError(f"not a version number: {version!r}")
    parts = [int(p) if p is not None else 0 for p in match.groups()]
    if any(p > 65535 for p in parts):
        raise ValueError(f"a Windows version number part is at most 65535: {version!r}")
    return tuple(parts)  # type: ignore[return-value]


def version_file_text(version: str) -> str:
    return TEMPLATE.format(numbers=version_numbers(version), text=version, company=COMPANY,
                           description=DESCRIPTION, product=PRODUCT,
                           product_exe=f"{PRODUCT}.exe")


def write_version_file(path: Path, version: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(version_file_text(version), encoding="utf-8")
    return path


if __name__ == "__main__":
    write_version_file(Path(sys.argv[1]), sys.argv[2])
