#!/bin/sh
# make bundle-check: run a built bundle the way a user's machine would, with no Python at all.
#
# Copies the bundle out of the checkout, installs it with its install.sh into a temporary
# prefix, then runs the installed program's --version and --self-test under
# `env -i` with PATH holding one empty folder (so `python3` cannot be found, and no virtual
# environment, PYTHONPATH or PYTHONHOME is inherited), from a working folder outside the
# checkout. Prints the bundle's size and fails when it is over the limit, when the version is
# not the package's, when the self-test fails, or when it leaves its temporary vault behind.
#
# Usage: installer/check-bundle.sh BUNDLE_DIR [SIZE_LIMIT_MB]
set -eu

bundle=${1:?usage: check-bundle.sh BUNDLE_DIR [SIZE_LIMIT_MB]}
here=$(cd "$(dirname "$0")/.." && pwd)
# The limit is the spec's SIZE_LIMIT_MB unless given.
limit=${2:-$(sed -n 's/^SIZE_LIMIT_MB = \([0-9]*\).*/\1/p' "$here/installer/fieldapp.spec")}
[ -n "$limit" ] || { echo "bundle-check: no SIZE_LIMIT_MB in installer/fieldapp.spec" >&2; exit 1; }
program=fieldapp
[ -x "$bundle/$program" ] || { echo "bundle-check: no $bundle/$program: run make bundle first" >&2; exit 1; }

expected=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$here/fieldapp/__init__.py")
size_mb=$(du -sm "$bundle" | cut -f1)
echo "bundle-check: $bundle is $size_mb MB (limit $limit MB)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/empty-path" "$work/home" "$work/tmp"
cp -a "$bundle" "$work/app"

bare() {  # run "$@" with nothing of this machine's Python reachable
    (cd "$work" && env -i HOME="$work/home" TMPDIR="$work/tmp" PATH="$work/empty-path" \
        LANG=C.UTF-8 /bin/sh -c '
            if command -v python3 >/dev/null 2>&1 || command -v python >/dev/null 2>&1; then
                echo "bundle-check: a python is on PATH inside the check" >&2; exit 97
            fi
            exec "$@"' bare "$@")
}

# Installed the way a user would (per-user, into a prefix here), then run from there.
sh "$work/app/install.sh" --prefix "$work/prefix" --no-self-test "$work/app" >/dev/null
installed=$work/prefix/bin/$program
version=$(bare "$installed" --version)
echo "bundle-check: --version: $version"
[ "$version" = "fieldapp $expected" ] || {
    echo "bundle-check: --version printed '$version', expected 'fieldapp $expected'" >&2; exit 1; }

started=$(date +%s)
bare "$installed" --self-test
echo "bundle-check: --self-test took $(( $(date +%s) - started )) s"
leftover=$(ls -A "$work/tmp")
# The headless commands too (imported by name, so a missing one shows only here): a vault with
# fictional demo cases, then the KPI report as JSON and as a PDF.
printf 'bundle check passphrase\n' > "$work/passphrase"
bare /usr/bin/env FIELDAPP_TEST_FAST_KDF=1 "$installed" init --vault "$work/vault" --user "Bundle Check" \
    --role idva --passphrase-file "$work/passphrase" >/dev/null
bare "$installed" demo --vault "$work/vault" --cases 30 --seed 1 --passphrase-file "$work/passphrase" >/dev/null
bare "$installed" report kpi --json --vault "$work/vault" --passphrase-file "$work/passphrase" \
    | grep -q '"visits": 30' || { echo "bundle-check: report kpi --json failed" >&2; exit 1; }
bare "$installed" report kpi --out "$work/kpi.pdf" --vault "$work/vault" --passphrase-file "$work/passphrase" >/dev/null
[ "$(head -c 5 "$work/kpi.pdf")" = "%PDF-" ] || { echo "bundle-check: report kpi --out wrote no PDF" >&2; exit 1; }
echo "bundle-check: headless init, demo and KPI report (JSON and PDF) work"
[ -z "$leftover" ] || { echo "bundle-check: the self-test left files behind: $leftover" >&2; exit 1; }

[ "$size_mb" -le "$limit" ] || {
    echo "bundle-check: FAILED: the bundle is $size_mb MB, over the $limit MB limit" >&2; exit 1; }
echo "bundle-check: passed"
