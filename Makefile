# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench references clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p out
	$(BIN)/reportkit build examples/cases/indigenous-protester.yaml -o out/example-report.docx --force
	@echo "To run reportkit yourself, put it on this shell's PATH: . $(BIN)/activate"

test: $(STAMP)
	$(BIN)/python -m pytest

# Everything but the property-based tests, for a quick run while editing.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not property"

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

# Make a reference.docx from template.yaml where a template set has none (never replaces one).
references: $(STAMP)
	$(BIN)/python -m reportkit.docx.new_reference templates/uk templates/us

clean:
	rm -rf $(VENV) out .pytest_cache
