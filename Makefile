# Two commands for a new machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: install run test lint reliability bench screenshots translations clean

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

test: $(STAMP)
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

clean:
	rm -rf $(VENV) build dist *.egg-info
