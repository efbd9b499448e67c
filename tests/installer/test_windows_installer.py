"""installer/windows: what can be checked without Windows. Inno Setup (ISCC.exe) and a Windows
build of the bundle cannot run here, so neither the setup program nor its [Code] is compiled
by these tests; they check that the script installs per user, takes its version from the
programs the spec builds, references files that exist, keeps the vault unless its removal is
ticked, and documents signing; and they run the version-resource and icon generators the spec
calls on Windows, reading their output back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PIL import Image

from fieldapp import __version__, paths

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "installer" / "windows"
ISS = WINDOWS / "fieldapp.iss"
SPEC = ROOT / "installer" / "fieldapp.spec"


def iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return sections


def iss_defines() -> dict[str, str]:
    text = ISS.read_text(encoding="utf-8")
    return dict(re.findall(r'^\s*#define (\w+) (.+)$', text, re.M))


def setup_directives() -> dict[str, str]:
    return dict(line.split("=", 1) for line in iss_sections()["Setup"]
                if "=" in line and not line.startswith("#"))


def expand(value: str) -> str:
    defines = {k: v.strip('"') for k, v in iss_defines().items() if v.startswith('"')}
    return re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], value)


def spec_program_names() -> set[str]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    app = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
               and getattr(n.targets[0], "id", "") == "APP_NAME")
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "EXE":
            name = next(k.value for k in node.keywords if k.arg == "name")
            names.add(app if isinstance(name, ast.Name) else
                      "".join(app if isinstance(p, ast.FormattedValue) else p.value
                              for p in name.values))
    return names


def test_per_user_install_with_start_menu_entry_and_version_from_the_built_program():
    setup = setup_directives()
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # never offered an admin install
    assert setup["DefaultDirName"].startswith(("{userpf}", "{localappdata}"))
    assert setup["AppVersion"] == "{#AppVersion}" and setup["VersionInfoVersion"] == "{#AppVersion}"
    assert "{#AppVersion}" in setup["OutputBaseFilename"]
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"])
    defines = iss_defines()
    # The version is the one in the programs' version resource (written from __version__).
    assert "GetVersionNumbersString" in defines["AppVersion"] and "BundleDir" in defines["AppVersion"]
    programs = {expand("{#AppExe}"), expand("{#CliExe}")}
    assert programs == {f"{name}.exe" for name in spec_program_names()}
    icons = iss_sections()["Icons"]
    assert any(line.startswith('Name: "{userprograms}') and "{#AppExe}" in line for line in icons)


def test_files_come_from_the_bundle_folder_the_build_writes_and_exist_where_they_must():
    bundle = (WINDOWS / expand("{#BundleDir}").replace("\\", "/")).resolve()
    assert bundle == ROOT / "dist" / "fieldapp"  # make bundle's --distpath and the spec's name
    for line in iss_sections()["Files"]:
        source = re.search(r'Source: "([^"]+)"', line).group(1)
        path = (WINDOWS / expand(source).replace("\\", "/")).resolve()
        if bundle in path.parents or path.parent == bundle:
            continue  # built on Windows before ISCC runs
        assert path.exists(), source
    assert "compiler:Default.isl" in " ".join(iss_sections()["Languages"])
    output = (WINDOWS / setup_directives()["OutputDir"].replace("\\", "/")).resolve()
    assert output == ROOT / "dist"


def test_uninstall_keeps_the_vault_unless_its_removal_is_ticked():
    code = "\n".join(iss_sections()["Code"])
    # The folder removed is the app's platformdirs user data folder, where the vault lives.
    assert paths.APP == "fieldapp"
    assert "user_data_dir(APP, appauthor=False)" in (ROOT / "fieldapp" / "paths.py").read_text()
    assert "ExpandConstant('{localappdata}\\fieldapp')" in code
    assert "Remove.Checked := False;" in code  # unticked unless the user ticks it
    assert "RemoveUserData := Result and Remove.Checked;" in code
    assert "if UninstallSilent() or not DirExists(UserDataDir()) then" in code
    deletions = [line for line in code.splitlines() if "DelTree(" in line]
    assert deletions, "no deletion at all?"
    block = code[code.index("procedure CurUninstallStepChanged"):]
    assert "and RemoveUserData then" in block
    assert all(line in block for line in deletions)  # only ever behind the tick
    sections = iss_sections()
    assert "UninstallDelete" not in sections  # nothing of the user's removed unconditionally
    assert all("{localappdata}" not in line for line in sections.get("InstallDelete", []))


def test_signing_is_documented_and_wired():
    text = ISS.read_text(encoding="utf-8")
    assert "signtool sign /fd sha256" in text and "/tr " in text  # timestamped SHA-256
    block = text[text.index("#ifdef Sign"):text.index("#endif", text.index("#ifdef Sign"))]
    assert "SignTool=signtool" in block and "SignedUninstaller=yes" in block


def _version_file_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_version_file",
                                                  WINDOWS / "make_version_file.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_version_resource_is_generated_from_the_package_version(tmp_path):
    module = _version_file_module()
    path = module.write_version_file(tmp_path / "version_info.txt", __version__)
    tree = ast.parse(path.read_text(encoding="utf-8"), mode="eval")  # what PyInstaller evals
    call = tree.body
    assert isinstance(call, ast.Call) and call.func.id == "VSVersionInfo"
    ffi = next(k.value for k in call.keywords if k.arg == "ffi")
    filevers = ast.literal_eval(next(k.value for k in ffi.keywords if k.arg == "filevers"))
    expected = tuple(int(p) for p in __version__.split(".")) + (0,) * (4 - len(__version__.split(".")))
    assert filevers == expected
    strings = {node.args[0].value: node.args[1].value for node in ast.walk(tree)
               if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StringStruct"}
    assert strings["FileVersion"] == strings["ProductVersion"] == __version__
    assert strings["OriginalFilename"] == "fieldapp.exe"
    assert module.version_numbers("1.2.3rc1") == (1, 2, 3, 0)
    assert module.version_numbers("2") == (2, 0, 0, 0)
    with pytest.raises(ValueError):
        module.version_numbers("1.70000")
    with pytest.raises(ValueError):
        module.version_numbers("dev")


def test_program_icon_is_rendered_from_the_svg_in_every_size(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icon", WINDOWS / "make_icon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.write_icon(ROOT / "installer" / "linux" / "fieldapp.svg", tmp_path / "a.ico")
    with Image.open(out) as icon:
        assert icon.format == "ICO"
        assert {(s, s) for s in module.SIZES} <= set(icon.info["sizes"])
        icon.size = (32, 32)
        small = icon.convert("RGBA")
        assert small.getextrema()[3][1] == 255  # drawn, not a transparent square
    assert not (tmp_path / "a.png").exists()
