# The two commands for a fresh machine: `make book` (HTML and PDF) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SETUP := $(VENV)/.requirements-installed
# The report edition to build: data/$(EDITION)/ (same schemas every year).
EDITION ?= 2025
export JZREPORT_EDITION := $(EDITION)

.PHONY: book html pdf audit lab serve check-data record-data test clean setup system-html system-pdf system-test

book: html pdf

setup: $(SETUP)

$(SETUP): requirements.txt
	@echo "==> 准备 Python 环境 (setting up $(VENV) from requirements.txt)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'jzreport.pth').write_text('$(CURDIR)/scripts\n')"
	touch $@

system-html:
	@scripts/install-system-deps.sh html

system-pdf:
	@scripts/install-system-deps.sh pdf

system-test:
	@scripts/install-system-deps.sh test

# The outside judges of the HTML, pinned in tests/tools/package-lock.json: vnu-jar (Nu Html Checker), axe-core,
# Lighthouse (scripts/benchmark.py).
NODE_TOOLS := tests/tools/node_modules/.installed
$(NODE_TOOLS): tests/tools/package.json tests/tools/package-lock.json
	@echo "==> 安装测试工具 (installing the HTML checkers from npm: tests/tools)"
	npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts
	touch $@

check-data: $(SETUP)
	$(PY) -m jzreport.validation

record-data: $(SETUP)
	$(PY) -m jzreport.record

html: system-html $(SETUP)
	$(PY) -m jzreport.build html

# The printed book; after html: it reuses the HTML work folder's execution cache and is copied into the site.
pdf: system-pdf $(SETUP) html
	$(PY) -m jzreport.build pdf

# JupyterLab with every chapter .md opening as a notebook (jupytext, MyST) and MyST rendered (jupyterlab-myst).
lab: system-html $(SETUP)
	$(PY) -m jzreport.lab

# Live preview while editing: http://127.0.0.1:$(PORT)/, rebuilt on every save; the published book is not touched.
PORT ?= 8000
serve: system-html $(SETUP)
	$(PY) -m jzreport.preview --port $(PORT)

# Re-execute every chapter from scratch and compare tables, figure data and numbers with the published book.
audit: system-html $(SETUP)
	$(PY) -m jzreport.reaudit

test: system-test $(SETUP) $(NODE_TOOLS) html pdf
	$(PY) -m pytest tests

clean:
	rm -rf book/_build
