# Two commands for a new machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: install run test lint reliability bench screenshots clean

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

screenshots: $(STAMP)
	$(BIN)/python -m fieldapp.ui.screenshots docs/screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info
