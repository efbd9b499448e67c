"""The fast check in ``make test`` for the desktop bundle (building it takes minutes: that is
``make bundle-check``). installer/fieldapp.spec keeps what goes into the bundle in plain
literal lists; these tests read them with ``ast`` and compare them with what the code and the
repository actually hold, derived here from the sources, not copied from the spec: every
resources/ folder the code opens, every Qt module it imports, the Qt plugins those need, the
folders Alembic reads from disk, the package's non-Python files, and every dependency pinned
with hashes in the lock."""

from __future__ import annotations

import ast
import functools
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "fieldapp.spec"
LOCK = ROOT / "installer" / "requirements-bundle.txt"
APP = ROOT / "fieldapp"


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def spec_literals() -> dict[str, object]:
    """Top-level NAME = <literal> assignments of the spec."""
    found: dict[str, object] = {}
    for node in _spec_tree().body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return found


def spec_strings(name: str) -> set[str]:
    """Every string constant inside the spec's assignment to ``name`` (for computed lists)."""
    for node in _spec_tree().body:
        if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == name):
            return {n.value for n in ast.walk(node.value)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    raise AssertionError(f"the spec has no {name} assignment")


@pytest.fixture(scope="module")
def spec() -> dict[str, object]:
    return spec_literals()


@functools.cache
def app_sources() -> tuple[tuple[Path, str], ...]:
    return tuple((path, path.read_text(encoding="utf-8")) for path in sorted(APP.rglob("*.py")))


@functools.cache
def qt_modules_used() -> frozenset[str]:
    """PySide6 modules the app imports, statically or by name through importlib."""
    used: set[str] = set()
    for path, text in app_sources():
        for node in ast.walk(ast.parse(text, filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value] if re.fullmatch(r"PySide6\.Qt\w+", node.value) else []
            used.update(name.split(".")[1] for name in names
                        if name.startswith("PySide6.") and name.split(".")[1].startswith("Qt"))
    return frozenset(used)


def resource_folders_opened() -> set[str]:
    """``resources_dir() / "NAME"`` anywhere in the app."""
    pattern = re.compile(r"resources_dir\(\)\s*/\s*\"([^\"]+)\"")
    return {match for _, text in app_sources() for match in pattern.findall(text)}


def test_size_limit_is_the_issues_250_mb_and_the_check_reads_it(spec):
    assert spec["SIZE_LIMIT_MB"] == 250
    script = (ROOT / "installer" / "check-bundle.sh").read_text(encoding="utf-8")
    assert "SIZE_LIMIT_MB" in script and "fieldapp.spec" in script


def test_every_resource_folder_the_code_opens_and_the_repository_holds_is_bundled(spec):
    bundled = set(spec["RESOURCE_FOLDERS"])
    opened = resource_folders_opened()
    assert {"fonts", "icons", "i18n"} <= opened  # the scan itself still finds the known ones
    on_disk = {p.name for p in (ROOT / "resources").iterdir() if p.is_dir()}
    assert opened <= bundled, f"opened by the code but not bundled: {sorted(opened - bundled)}"
    assert on_disk <= bundled, f"in resources/ but not bundled: {sorted(on_disk - bundled)}"
    # Skipped suffixes are only the translators' sources, which the spec compiles instead.
    assert spec["RESOURCE_SKIP_SUFFIXES"] == [".ts"]
    assert "lrelease" in SPEC.read_text(encoding="utf-8")
    assert list((ROOT / "resources" / "i18n").glob("*.ts"))


def test_every_qt_module_the_app_imports_is_bundled_and_none_is_excluded(spec):
    used = qt_modules_used()
    assert {"QtCore", "QtGui", "QtWidgets", "QtPdf"} <= used
    bundled, excluded = set(spec["QT_MODULES"]), set(spec["QT_EXCLUDED"])
    assert used <= bundled, f"imported but not in QT_MODULES: {sorted(used - bundled)}"
    assert not (used & excluded), f"imported but excluded: {sorted(used & excluded)}"
    # The heavy parts the issue names stay out unless the app starts to use them.
    for heavy in ("QtWebEngineCore", "Qt3DCore", "QtMultimedia", "QtQml", "QtQuick"):
        assert heavy in excluded or heavy in used


def test_the_qt_plugins_the_app_needs_are_kept(spec):
    plugins = spec["QT_PLUGINS"]
    icon_types = {p.suffix for p in (ROOT / "resources" / "icons").iterdir() if p.is_file()
                  and p.suffix not in (".txt",)}
    if ".svg" in icon_types:  # QIcon of an .svg needs the SVG icon engine and image format
        assert "svgicon" in plugins["iconengines"] and "svg" in plugins["imageformats"]
        assert "QtSvg" in spec["QT_MODULES"]
    # The self-test (and any headless run) forces this platform; desktops need their own.
    forced = re.search(r'QT_QPA_PLATFORM"\] = "(\w+)"',
                       (APP / "ui" / "selftest_window.py").read_text(encoding="utf-8"))
    assert forced and forced.group(1) in plugins["platforms"]
    assert {"xcb", "windows"} <= set(plugins["platforms"])
    if "QtPrintSupport" in qt_modules_used():
        assert {"cupsprintersupport", "windowsprintersupport"} <= set(plugins["printsupport"])
    if "xcb" in plugins["platforms"]:
        assert "XcbQpa" in spec["QT_LIBRARIES"] and plugins["xcbglintegrations"]
    # Qt's own dialogs use the catalogue fieldapp/ui/i18n.py installs.
    catalogue = re.search(r'\("(qt\w+)",\s*(?:str\()?QLibraryInfo',
                          (APP / "ui" / "i18n.py").read_text(encoding="utf-8"))
    assert catalogue and catalogue.group(1) in spec["QT_TRANSLATIONS"]


def test_folders_read_from_disk_and_package_data_files_are_bundled(spec):
    folders = set(spec["PACKAGE_DATA_FOLDERS"])
    pattern = re.compile(r"Path\(__file__\)\.with_name\(\"([^\"]+)\"\)")
    read_by_path = {
        (path.parent / name).relative_to(ROOT).as_posix()
        for path, text in app_sources() for name in pattern.findall(text)
        if (path.parent / name).is_dir()
    }
    assert "fieldapp/store/migrations" in read_by_path
    assert read_by_path <= folders, f"not bundled as files: {sorted(read_by_path - folders)}"
    data_files = [p.relative_to(ROOT).as_posix() for p in APP.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc")
                  and "__pycache__" not in p.parts]
    uncovered = [f for f in data_files if not any(f.startswith(d + "/") for d in folders)]
    assert not uncovered, f"package data not in the bundle: {uncovered}"


def test_sqlcipher_and_by_name_imports_are_hidden_imports_and_the_hub_is_left_out(spec):
    hidden = spec_strings("HIDDEN_IMPORTS")
    store = [text for path, text in app_sources() if "store" in path.parts]
    assert any("sqlcipher3" in text for text in store)
    assert {"sqlcipher3", "sqlcipher3.dbapi2", "sqlcipher3._sqlite3"} <= hidden
    # fieldapp/cli/main.py imports its command groups by name: the whole package is collected.
    assert "fieldapp" in hidden and "sync.protocol" in hidden
    excludes = spec_strings("EXCLUDES")
    assert {"sync.hub", "fastapi", "uvicorn", "psycopg"} <= excludes
    app_imports = {name.split(".")[0] for _, text in app_sources()
                   for name in re.findall(r"^\s*(?:from|import) ([\w.]+)", text, re.M)}
    assert not ({e for e in excludes if "." not in e} & app_imports - {"sync"})


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_pins_every_runtime_and_bundle_dependency_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["bundle"]
    wanted_names = {_normalise(re.match(r"[A-Za-z0-9_.-]+", spec_).group(0)) for spec_ in wanted}
    text = LOCK.read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M))
    pinned = {_normalise(name) for name in pins}
    assert wanted_names <= pinned, (
        f"not in the lock: {sorted(wanted_names - pinned)}; run make bundle-lock")
    # Every pin carries at least one hash (pip --require-hashes refuses the file otherwise).
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", text.split("\n", 1)[1])
    for block in blocks:
        if re.match(r"[A-Za-z0-9_.-]+==", block):
            assert "--hash=sha256:" in block, block.splitlines()[0]
    # The hub's and the test suite's packages stay out of the desktop bundle.
    for absent in ("fastapi", "uvicorn", "psycopg", "pytest"):
        assert absent not in pinned
    assert "make bundle-lock" in text and "uv pip compile" in text


# Plugins of the other desktops, absent from a Linux PySide6 wheel.
OTHER_PLATFORM_PLUGINS = {"windows", "cocoa", "windowsprintersupport", "modernwindowsstyle",
                          "windowsvistastyle", "macstyle"}


def test_every_plugin_named_exists_in_pyside6_here_or_belongs_to_another_desktop(spec):
    import sys

    import PySide6
    from PySide6.QtCore import QLibraryInfo

    if not sys.platform.startswith("linux"):
        return  # the names of the other desktops are checked on Linux, where CI runs
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    assert Path(PySide6.__file__).parent in folder.parents
    shipped = {(p.parent.name, re.sub(r"^libq?|\.so$", "", p.name)) for p in folder.glob("*/*.so")}
    for category, names in spec["QT_PLUGINS"].items():
        for name in names:
            assert (category, name) in shipped or name in OTHER_PLATFORM_PLUGINS, (
                f"no Qt plugin {category}/{name} in this PySide6: a typo in the spec?")

