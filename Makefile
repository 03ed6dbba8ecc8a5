# gendoc — every target bootstraps its own virtual environment on first use:
# a fresh clone needs nothing but Python 3, make and git.
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
OUT    ?= build

.PHONY: build test test-slow check clean golden golden-pages distclean fuzz bench bench-peers mutation bytecode

# gendoc's own modules byte-compiled (only what changed; ~0.1 s when nothing did). Python
# does this itself on first import — unless PYTHONDONTWRITEBYTECODE is set, as it is on some
# machines: then every command compiled gendoc's hundred modules from source again (~60 ms
# of a 0.25 s `validate`). An installed package has its bytecode from pip; this gives an
# editable checkout the same.
bytecode: $(STAMP)
	@$(PY) -m compileall -q gendoc

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=23"
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,ingest]'
	@touch $@

## build: validate every report under reports/ and render HTML + Markdown into build/
build: bytecode
	$(PY) -m gendoc build -o $(OUT)

## check: validate only
check: bytecode
	$(PY) -m gendoc validate

## test: lint (ruff) and types (mypy) at zero findings, then the whole test suite
test: $(STAMP)
	$(PY) -m ruff check gendoc tests bench
	$(PY) -m mypy
	$(PY) -m pytest -n auto

## test-slow: the browser and office tests (headless Chromium: overview filters, live preview, accessibility;
##            LibreOffice and poppler: the PDF; LibreOffice Calc: a re-saved fill-in workbook)
test-slow: $(STAMP)
	GENDOC_REQUIRE_BROWSER=1 GENDOC_REQUIRE_OFFICE=1 $(PY) -m pytest -m slow

## mutation: deliberate bugs in the writer, builder, rules, expressions, reporters and renderer; each must fail its tests (docs/mutation.md)
mutation: $(STAMP)
	$(PY) -m tests.mutants

## fuzz: the property-based fuzz test with far more (and fresh random) examples
fuzz: $(STAMP)
	GENDOC_FUZZ_EXAMPLES=$${GENDOC_FUZZ_EXAMPLES:-30000} GENDOC_FUZZ_RANDOM=1 $(PY) -m pytest -p no:cacheprovider tests/test_fuzz.py

## bench: synthetic projects of 1,000 and 10,000 reports; prints the timing table
bench: bytecode
	$(PY) -m bench.run

## bench-peers: gendoc side by side with Hugo, a straightforward Python script and the disk floor (1,000 reports; needs Debian's hugo, installed when run as root)
bench-peers: bytecode
	$(PY) -m bench.peers

## golden-pages: regenerate tests/golden/pages/ (the seed's printed pages; needs LibreOffice and poppler)
golden-pages: $(STAMP)
	$(PY) -m tests.page_images

## golden: regenerate the golden files of tests/golden/ (review the diff before committing)
golden: $(STAMP)
	$(PY) -m tests.regenerate_golden

clean:
	rm -rf $(OUT) .pytest_cache

distclean: clean
	rm -rf $(VENV) *.egg-info
