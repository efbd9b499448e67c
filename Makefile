# Two commands for a new machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: install run test test-system-deps lint reliability bench screenshots translations clean \
	bundle bundle-check bundle-lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[hub,dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	QT_QPA_PLATFORM= $(BIN)/fieldapp

lint: $(STAMP)
	$(BIN)/ruff check fieldapp sync tests bench
	$(BIN)/lint-imports

# The OS-lock tests start a private D-Bus daemon (dbus-daemon, dbus-send); the spreadsheet test
# prints a tracker workbook to PDF with LibreOffice Calc (soffice). Silent when present; on
# Debian/Ubuntu as root (or with password-less sudo) installs the packages; otherwise says what
# to install and stops: the suite never skips for want of them.
DBUS_NEEDED := dbus-daemon, dbus-send and soffice (Debian/Ubuntu packages dbus libreoffice-calc)
test-system-deps:
	@[ "$$(uname -s)" = Linux ] || exit 0; \
	have() { command -v dbus-daemon >/dev/null 2>&1 && command -v dbus-send >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1; }; \
	if ! have; then \
		if [ "$$(id -u)" = 0 ]; then as_root=env; \
		elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root="sudo -n env"; \
		else as_root=; fi; \
		if [ -n "$$as_root" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "make test: installing $(DBUS_NEEDED) for the OS-lock and spreadsheet tests"; \
			apt_install() { $$as_root DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dbus libreoffice-calc fonts-dejavu-core; }; \
			apt_install >/dev/null 2>&1 || { $$as_root apt-get update -qq >/dev/null && apt_install >/dev/null; }; \
		fi; \
		have || { echo "make test: $(DBUS_NEEDED) are missing and could not be installed: install them (e.g. sudo apt-get install dbus libreoffice-calc) and run make test again" >&2; exit 1; }; \
	fi

test: $(STAMP) test-system-deps
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n 2 --dist loadfile -p no:cacheprovider

reliability: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.reliability

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.run_all

# Under Xvfb with the real xcb platform when xvfb-run is installed (Debian: xvfb), else offscreen.
screenshots: $(STAMP)
	if command -v xvfb-run >/dev/null; then \
		QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python -m fieldapp.ui.screenshots docs/screenshots; \
	else \
		$(BIN)/python -m fieldapp.ui.screenshots docs/screenshots; \
	fi

# Refresh the translators' catalogues from every tr()/translate() string, then compile them.
translations: $(STAMP)
	$(BIN)/pyside6-lupdate $$(find fieldapp/ui -name '*.py') -ts resources/i18n/fieldapp_cy.ts
	$(BIN)/pyside6-lrelease resources/i18n/*.ts

# The desktop bundle, dist/fieldapp/ (installer/README.md). Built from its own venv installed
# from the hashed lock, so it holds the runtime dependencies only, at the pinned versions.
BUNDLE_VENV  := build/bundle-venv
BUNDLE_LOCK  := installer/requirements-bundle.txt
BUNDLE_STAMP := $(BUNDLE_VENV)/.installed

$(BUNDLE_STAMP): $(BUNDLE_LOCK)
	rm -rf $(BUNDLE_VENV)
	$(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r $(BUNDLE_LOCK)
	touch $@

bundle: $(BUNDLE_STAMP)
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller installer/fieldapp.spec
	cp installer/linux/install.sh installer/linux/fieldapp.svg installer/fieldapp.desktop dist/fieldapp/

# Builds, then runs the bundle's --version and --self-test with no Python on PATH; prints its
# size and fails over 250 MB (2-4 minutes on 2 cores, so not part of make test).
bundle-check: bundle
	installer/check-bundle.sh dist/fieldapp

# Regenerate the lock after changing dependencies in pyproject.toml (uv in its own venv).
bundle-lock:
	[ -x build/tools/bin/uv ] || { $(PYTHON) -m venv build/tools && build/tools/bin/pip install --quiet uv; }
	{ sed -n '/^#/p;/^#/!q' $(BUNDLE_LOCK); build/tools/bin/uv pip compile --quiet --universal \
		--python-version 3.11 --generate-hashes --extra bundle --no-header pyproject.toml; \
	} > $(BUNDLE_LOCK).new && mv $(BUNDLE_LOCK).new $(BUNDLE_LOCK)

clean:
	rm -rf $(VENV) build dist *.egg-info
