"""installer/linux/install.sh run for real into a temporary prefix, on a stand-in bundle (a folder
shaped like dist/fieldapp whose program is a small script: building the real one takes minutes,
and ``make bundle-check`` installs that one with this same script). Also shellcheck and
desktop-file-validate on the files, where those tools are installed."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "installer" / "linux" / "install.sh"
DESKTOP = ROOT / "installer" / "fieldapp.desktop"
ICON = ROOT / "installer" / "linux" / "fieldapp.svg"

PROGRAM = """#!/bin/sh
# Stand-in for the bundle's program: answers --version and --self-test like the real one.
case "$1" in
    --version) echo "fieldapp 9.8.7" ;;
    --self-test) [ -f "$(dirname "$(readlink -f "$0")")/_internal/broken" ] && {
        echo "fieldapp 9.8.7 self-test FAILED at pdf: stand-in failure" >&2; exit 1; }
        echo "fieldapp 9.8.7 self-test passed" ;;
esac
"""


def make_bundle(folder: Path, *, broken: bool = False) -> Path:
    (folder / "_internal" / "resources").mkdir(parents=True)
    (folder / "_internal" / "resources" / "marker.txt").write_text("resource\n")
    program = folder / "fieldapp"
    program.write_text(PROGRAM)
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    if broken:
        (folder / "_internal" / "broken").write_text("")
    return folder


def run(*args: str | Path, home: Path) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    return subprocess.run(["sh", str(INSTALL), *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=60)


def test_installs_per_user_replaces_an_old_copy_and_uninstall_keeps_the_vault(tmp_path):
    home, prefix = tmp_path / "home", tmp_path / "prefix"
    home.mkdir()
    bundle = make_bundle(tmp_path / "dist" / "fieldapp")
    first = run("--prefix", prefix, bundle, home=home)
    assert first.returncode == 0, first.stderr
    assert "installed fieldapp 9.8.7" in first.stdout
    assert "self-test passed" in first.stdout

    lib = prefix / "lib" / "fieldapp"
    launcher = prefix / "bin" / "fieldapp"
    assert (lib / "_internal" / "resources" / "marker.txt").read_text() == "resource\n"
    assert launcher.is_symlink() and launcher.resolve() == (lib / "fieldapp").resolve()
    version = subprocess.run([str(launcher), "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == "fieldapp 9.8.7"
    entry = (prefix / "share" / "applications" / "fieldapp.desktop").read_text()
    assert f"Exec={lib / 'fieldapp'}\n" in entry  # a full path: ~/.local/bin may not be on PATH
    assert "Icon=fieldapp\n" in entry and "Name=Operation Provide\n" in entry
    icon = prefix / "share" / "icons" / "hicolor" / "scalable" / "apps" / "fieldapp.svg"
    assert icon.read_bytes() == ICON.read_bytes()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate",
                                str(prefix / "share" / "applications" / "fieldapp.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr

    # An upgrade replaces the whole folder: a file the new bundle lacks does not survive.
    (lib / "_internal" / "stale.txt").write_text("old")
    again = run("--prefix", prefix, "--no-self-test", bundle, home=home)
    assert again.returncode == 0, again.stderr
    assert not (lib / "_internal" / "stale.txt").exists()
    assert "self-test" not in again.stdout
    assert not list(prefix.glob("lib/fieldapp.*"))  # no .new/.old left behind

    vault = home / ".local" / "share" / "fieldapp" / "vault"
    vault.mkdir(parents=True)
    (vault / "keyslots.json").write_text("{}")
    gone = run("--prefix", prefix, "--uninstall", home=home)
    assert gone.returncode == 0, gone.stderr
    assert not lib.exists() and not launcher.exists() and not icon.exists()
    assert not (prefix / "share" / "applications" / "fieldapp.desktop").exists()
    assert (vault / "keyslots.json").read_text() == "{}"
    assert f"your vault was kept in {vault}" in gone.stdout


def test_defaults_to_home_dot_local_and_refuses_what_is_not_a_bundle(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    bundle = make_bundle(tmp_path / "bundle")
    done = run("--no-self-test", bundle, home=home)
    assert done.returncode == 0, done.stderr
    assert (home / ".local" / "lib" / "fieldapp" / "fieldapp").is_file()
    assert (home / ".local" / "bin" / "fieldapp").is_symlink()

    not_a_bundle = tmp_path / "empty"
    not_a_bundle.mkdir()
    refused = run("--prefix", tmp_path / "p2", not_a_bundle, home=home)
    assert refused.returncode == 1
    assert "is not a fieldapp bundle" in refused.stderr and "make bundle" in refused.stderr
    assert not (tmp_path / "p2").exists()
    assert run("--bogus", home=home).returncode == 1


def test_a_failed_self_test_after_install_is_reported_with_exit_1(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    bundle = make_bundle(tmp_path / "bundle", broken=True)
    result = run("--prefix", tmp_path / "prefix", bundle, home=home)
    assert result.returncode == 1
    assert "FAILED at pdf: stand-in failure" in result.stderr
    assert "failed its self-test" in result.stderr


def test_a_copied_bundle_installs_itself_with_the_script_beside_it(tmp_path):
    # What `make bundle` leaves in dist/fieldapp: install.sh, the entry and icon beside the program.
    home = tmp_path / "home"
    home.mkdir()
    bundle = make_bundle(tmp_path / "fieldapp")
    for path in (INSTALL, DESKTOP, ICON):
        shutil.copy(path, bundle / path.name)
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    result = subprocess.run(["sh", str(bundle / "install.sh"), "--no-self-test"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lib = home / ".local" / "lib" / "fieldapp"
    assert (lib / "fieldapp").is_file() and not (lib / "install.sh").exists()


def test_shell_scripts_are_shellcheck_clean_and_the_desktop_entry_valid():
    scripts = [INSTALL, ROOT / "installer" / "check-bundle.sh"]
    shellcheck = shutil.which("shellcheck")
    if shellcheck:
        result = subprocess.run([shellcheck, *map(str, scripts)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
    else:
        warnings.warn("shellcheck is not installed: only sh -n checked the scripts", stacklevel=1)
    for script in scripts:
        assert subprocess.run(["sh", "-n", str(script)]).returncode == 0
    validate = shutil.which("desktop-file-validate")
    if validate:
        result = subprocess.run([validate, str(DESKTOP)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    entry = dict(line.split("=", 1) for line in DESKTOP.read_text().splitlines() if "=" in line)
    assert entry["Type"] == "Application" and entry["Exec"] == "fieldapp"
    assert entry["Icon"] == ICON.stem and entry["Terminal"] == "false"
