#!/bin/sh
# Install the fieldapp desktop bundle for one user (no root, no Python needed).
#
#   ./install.sh [--prefix DIR] [--no-self-test] [BUNDLE_DIR]
#   ./install.sh [--prefix DIR] --uninstall
#
# BUNDLE_DIR is the built dist/fieldapp folder (default: the folder this script is in, as
# `make bundle` copies it there). PREFIX defaults to ~/.local: the program goes to
# PREFIX/lib/fieldapp, a launcher to PREFIX/bin/fieldapp, the menu entry to
# PREFIX/share/applications and the icon to PREFIX/share/icons. An existing install is replaced
# whole (the new copy is moved into place only once it is complete). The installed program
# then checks itself (fieldapp --self-test: a throwaway vault, a PDF, the window offscreen).
#
# The vault is never touched, by installing or by --uninstall: it lives in the user's data
# folder (${XDG_DATA_HOME:-~/.local/share}/fieldapp/vault), apart from the program.
set -eu

prog=$(basename "$0")
prefix="${HOME:?HOME is not set}/.local"
bundle=
uninstall=no
self_test=yes

say() { printf '%s: %s\n' "$prog" "$*"; }
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case $1 in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --uninstall) uninstall=yes; shift ;;
        --no-self-test) self_test=no; shift ;;
        -h|--help) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [ -z "$bundle" ] || die "only one BUNDLE_DIR"; bundle=$1; shift ;;
    esac
done

case $prefix in
    /*) ;;
    *) prefix=$(pwd)/$prefix ;;
esac
libdir=$prefix/lib/fieldapp
bindir=$prefix/bin
appsdir=$prefix/share/applications
icondir=$prefix/share/icons/hicolor/scalable/apps
vault=${XDG_DATA_HOME:-$HOME/.local/share}/fieldapp/vault

refresh_menus() {  # best effort: desktops also notice new files by themselves
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$appsdir" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" 2>/dev/null || true
    fi
}

if [ "$uninstall" = yes ]; then
    rm -rf "$libdir" "$libdir.new" "$libdir.old"
    rm -f "$appsdir/fieldapp.desktop" "$icondir/fieldapp.svg"
    if [ -L "$bindir/fieldapp" ]; then rm -f "$bindir/fieldapp"; fi
    refresh_menus
    say "removed fieldapp from $prefix"
    if [ -d "$vault" ]; then
        say "your vault was kept in $vault (delete that folder yourself only if its cases are synced or no longer needed)"
    fi
    exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
[ -n "$bundle" ] || bundle=$here
if [ ! -x "$bundle/fieldapp" ] || [ ! -d "$bundle/_internal" ]; then
    die "$bundle is not a fieldapp bundle (no fieldapp program and _internal folder in it); build one with 'make bundle'"
fi
bundle=$(cd "$bundle" && pwd)
find_file() {  # beside this script (a copied bundle) or in the source tree's installer/
    for candidate in "$here/$1" "$here/../$1"; do
        if [ -f "$candidate" ]; then printf '%s\n' "$candidate"; return 0; fi
    done
    die "$1 not found beside $prog"
}
desktop=$(find_file fieldapp.desktop)
icon=$(find_file fieldapp.svg)

mkdir -p "$prefix/lib" "$bindir" "$appsdir" "$icondir"
rm -rf "$libdir.new" "$libdir.old"
cp -R "$bundle" "$libdir.new"
rm -f "$libdir.new/install.sh" "$libdir.new/fieldapp.desktop" "$libdir.new/fieldapp.svg"
if [ -e "$libdir" ]; then mv "$libdir" "$libdir.old"; fi
mv "$libdir.new" "$libdir"
rm -rf "$libdir.old"

if [ -e "$bindir/fieldapp" ] && [ ! -L "$bindir/fieldapp" ]; then
    die "$bindir/fieldapp exists and is not our launcher: move it away and run $prog again"
fi
ln -sf "$libdir/fieldapp" "$bindir/fieldapp"
# The menu entry names the program by its full path: ~/.local/bin is not always on PATH.
sed -e "s|^Exec=.*|Exec=$libdir/fieldapp|" -e "s|^Icon=.*|Icon=fieldapp|" \
    "$desktop" > "$appsdir/fieldapp.desktop.new"
mv "$appsdir/fieldapp.desktop.new" "$appsdir/fieldapp.desktop"
cp "$icon" "$icondir/fieldapp.svg"
refresh_menus
say "installed $("$libdir/fieldapp" --version) in $libdir"

# Qt's X11 plugin needs a few system libraries that desktops normally have.
xcb=$libdir/_internal/PySide6/Qt/plugins/platforms/libqxcb.so
if [ -f "$xcb" ] && command -v ldd >/dev/null 2>&1; then
    missing=$(ldd "$xcb" 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ')
    if [ -n "$missing" ]; then
        say "warning: the window needs these system libraries, missing here: $missing(on Debian/Ubuntu: sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0)"
    fi
fi

if [ "$self_test" = yes ]; then
    if ! "$libdir/fieldapp" --self-test; then
        die "the installed program failed its self-test (above); it is installed but may not work: report the line above to support"
    fi
fi
case ":${PATH:-}:" in
    *":$bindir:"*) ;;
    *) say "start it from the applications menu, or add $bindir to PATH to type 'fieldapp'" ;;
esac
