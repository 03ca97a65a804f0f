# The two commands for a fresh machine: `make book` (HTML and PDF) and `make test`. `make` alone lists every target.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The tree's own package first: `make setup` installs jzreport editable, pointing at the tree it was installed from,
# so a tree built with another tree's environment (VENV=/elsewhere/.venv) would otherwise import that tree's code.
# (Borrow one as it is with `-o /elsewhere/.venv/.requirements-installed`: otherwise make may reinstall it from here.)
export PYTHONPATH := $(CURDIR)/scripts$(if $(PYTHONPATH),:$(PYTHONPATH))
SETUP := $(VENV)/.requirements-installed
# The report edition to build: by default the current one (data/editions.yaml), whose chapters are in book/; a
# released edition is built from its git tag, exactly as it was released (scripts/jzreport/build/editions.py).
EDITION ?=
ifneq ($(EDITION),)
export JZREPORT_EDITION := $(EDITION)
endif

.PHONY: help book html pdf audit lab serve check-data record-data new-edition release diff lint format test benchmark \
	benchmark-scale verify-archive lock clean setup system-html system-pdf system-test

help: ## list the targets (this text)
	@echo "make <target> [EDITION=<year>]"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

book: html pdf ## build the book: HTML site and PDF (book/_build/html, book/_build/pdf)

setup: $(SETUP) ## the Python environment: pinned requirements checked by hash, jzreport installed editable

# The stamp is written last: an interrupted set-up (Ctrl-C, a kill) is never taken for a finished one, and the
# next make repairs it (scripts/python_environment.py).
$(SETUP): requirements.txt pyproject.toml scripts/python_environment.py
	@$(PYTHON) scripts/python_environment.py $(VENV)

lock: $(SETUP) ## regenerate requirements.txt (with hashes) from requirements.in
	$(VENV)/bin/uv pip compile requirements.in --generate-hashes --python-version 3.11.7 \
		--python-platform x86_64-manylinux_2_28 --no-header --annotation-style line -o requirements.txt

system-html: ## install the Debian packages for the HTML book (as root) or name them
	@scripts/install-system-deps.sh html

system-pdf: ## the same for the PDF (XeLaTeX, CJK fonts)
	@scripts/install-system-deps.sh pdf

system-test: ## the same for the tests (everything, plus Java and Node.js)
	@scripts/install-system-deps.sh test

# The outside judges of the HTML, pinned in tests/tools/package-lock.json: vnu-jar (Nu Html Checker), axe-core,
# Lighthouse (scripts/benchmark.py).
NODE_TOOLS := tests/tools/node_modules/.installed
# The stamp is written last, and an install starts from nothing: an interrupted one is redone by the next make.
$(NODE_TOOLS): tests/tools/package.json tests/tools/package-lock.json
	@echo "==> 安装测试工具 (installing the HTML checkers from npm: tests/tools)"
	rm -rf tests/tools/node_modules
	npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts
	touch $@

check-data: $(SETUP) ## validate the data package (schemas, checksums, cross-file rules)
	$(PY) -m jzreport.datapackage.validate

record-data: $(SETUP) ## record the data files' new checksums after a deliberate edit
	$(PY) -m jzreport.datapackage.checksums

new-edition: $(SETUP) ## start the edition YEAR=<year>: tag the current one, copy its data and text to start from
	@test -n "$(YEAR)" || (echo "make new-edition YEAR=<year>" >&2; exit 2)
	$(PY) -m jzreport.build.editions new $(YEAR)

# A release: the book's ledger (every published number, table cell and verdict, and every data cell) written to
# releases/<year>/, committed and tagged release-<year>-<n> (jzreport.releases); then the released book is built
# from that commit. DATE=YYYY-MM-DD sets the release's date (default: today).
release: system-pdf $(SETUP) html ## record a release of the committed book: ledger, commit, tag release-<year>-<n>, then build it
	$(PY) -m jzreport.releases record $(if $(DATE),--date $(DATE))
	$(PY) -m jzreport.build html
	$(PY) -m jzreport.build pdf

diff: system-html $(SETUP) ## what changed since the last release (or BASE=<release tag or commit>): old -> new, with causes
	$(PY) -m jzreport.releases diff $(BASE)

html: system-html $(SETUP) ## build the HTML book (published atomically to book/_build/html)
	$(PY) -m jzreport.build html

pdf: system-pdf $(SETUP) html ## build the PDF (after the HTML; reuses its executed notebooks)
	$(PY) -m jzreport.build pdf

lab: system-html $(SETUP) ## JupyterLab for editors: chapters open as notebooks
	$(PY) -m jzreport.editing.lab

PORT ?= 8000
serve: system-html $(SETUP) ## live preview at http://127.0.0.1:8000/ (PORT=...), rebuilt on every save
	$(PY) -m jzreport.editing.preview --port $(PORT)

audit: system-html $(SETUP) ## re-execute every chapter and compare with the published book (an unpacked source archive checks its files first)
	$(PY) -m jzreport.build.source_tree check
	$(PY) -m jzreport.build.replay

lint: $(SETUP) ## ruff lint and format check (package, extensions, scripts, tests, chapters), mypy and codespell
	$(VENV)/bin/pre-commit run --all-files

CHAPTERS := book/chapters/*.md book/index.md book/numbers.md
format: $(SETUP) ## apply ruff's fixes and formatting (code and the chapters' code cells)
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .
	$(VENV)/bin/nbqa "ruff check --fix" $(CHAPTERS) && $(VENV)/bin/nbqa "ruff format" $(CHAPTERS)

test: system-test $(SETUP) $(NODE_TOOLS) lint html pdf ## lint, build the book, then every test (in parallel)
	$(PY) -m pytest

benchmark: system-test $(SETUP) $(NODE_TOOLS) ## measure build and test times (side by side with a baseline) and page speed
	$(PY) scripts/benchmark.py

benchmark-scale: system-html $(SETUP) ## build times of the book with its chapters ×1, ×2, ×4 (benchmark/scale.json, .svg)
	$(PY) scripts/benchmark_scale.py

verify-archive: $(SETUP) ## a stranger's run of the published source archive: unpack, make book, compare, make audit (timed)
	$(PY) scripts/verify_archive.py

clean: ## remove everything built
	rm -rf book/_build
