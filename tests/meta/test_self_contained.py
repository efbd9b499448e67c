"""A bare clone runs the suite and the benchmarks: nothing under tests/ or bench/, nor the Makefile
or the CI entry point, reaches for a folder beside the repository (the old reference folder one
level up). The sample data lives in tests/data."""

from __future__ import annotations

import re
from pathlib import Path

from sample_data import SAMPLE_EXPECTED, SAMPLE_TRACKER

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [ROOT / "tests", ROOT / "bench", ROOT / "Makefile", ROOT / ".ci"]
TEXT_SUFFIXES = {"", ".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".json", ".sh", ".yml", ".yaml",
                 ".mk"}

# The reference folder's name is assembled, so this file never spells a path to it.
FOLDER = "sh" + "ared"
SIBLING = [
    re.compile(r"\.\.[\\/]+" + FOLDER + r"\b"),                         # up one level, then in
    re.compile(r"""/\s*["']""" + FOLDER + """["']"""),                  # pathlib's / operator
    re.compile(r"""joinpath\([^)]*["']""" + FOLDER + """["']"""),       # Path.joinpath
    re.compile(r"""os\.path\.join\([^)]*["']""" + FOLDER + """["']"""), # os.path.join
    re.compile(r"""[\\/]""" + FOLDER + r"""[\\/]+(data|spec|hooks|research)\b"""),  # sub-folders
]


def _files() -> list[Path]:
    found: list[Path] = []
    for top in SCANNED:
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        found += [p for p in paths if "__pycache__" not in p.parts
                  and (p.suffix in TEXT_SUFFIXES or p.name == "Makefile")]
    return found


def offences(text: str) -> list[str]:
    return [m.group(0) for pattern in SIBLING for m in pattern.finditer(text)]


def test_nothing_reaches_for_the_reference_folder_beside_the_repository() -> None:
    files = _files()
    assert ROOT / "Makefile" in files and any(p.parent.name == "bench" for p in files)
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace")
                                      .splitlines(), start=1):
            found += [f"{path.relative_to(ROOT)}:{number}: {hit}" for hit in offences(line)]
    assert found == [], "use the sample_tracker / sample_expected fixtures (tests/data):\n" + \
        "\n".join(found)


def test_the_scan_catches_the_old_forms() -> None:
    # Every piece assembled, so that no line of this file spells a path beside the repository.
    up, name, sep = "." * 2, FOLDER, "/"
    data, spec = "da" + "ta", "sp" + "ec"
    for old in [f'ROOT / "{up}{sep}{name}{sep}{data}{sep}sample.csv"',
                f'Path(__file__).resolve().parents[3] / "{name}" / "{data}"',
                f"ROOT.parent / '{name}'",
                f'here.joinpath("{up}", "{name}")',
                f'os.path.join(root, "{name}", "{data}")',
                f"cp {up}\\{name}\\{spec}\\cli.md .",
                f"cat $(ROOT){sep}{up}{sep}{name}{sep}{spec}{sep}cli.md"]:
        assert offences(old), old
    for fine in ["the shared sample", "shared CI machines are noisy", "a shared 2-core machine",
                 'mode = "shared_cache"', "shared_dir_name = 1"]:
        assert offences(fine) == [], fine


def test_the_sample_is_in_the_repository() -> None:
    assert SAMPLE_TRACKER.is_file() and SAMPLE_EXPECTED.is_file()
    assert SAMPLE_TRACKER.parent == ROOT / "tests" / "data"
    assert (SAMPLE_TRACKER.parent / "README.md").is_file()
