# Two commands to start: `make serve` and `make test` (see README.md).
# The Makefile only bootstraps .venv; the work is done by the invoke tasks in tasks.py.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INVOKE := $(BIN)/invoke

.PHONY: serve build test clean new-post bench check lighthouse search-report vendor

$(VENV)/.installed-base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

serve: $(VENV)/.installed-base
	$(INVOKE) serve

build: $(VENV)/.installed-base
	$(INVOKE) build $(if $(PUBLISH),--publish)

test: $(VENV)/.installed-dev
	$(INVOKE) test

clean:
	rm -rf output output.* cache

# make new-post TITLE="Lego answers Luka" COMPANIES=Lego TAGS=empathy,follow-up
new-post: $(VENV)/.installed-base
	$(INVOKE) new-post "$(TITLE)" --companies "$(COMPANIES)" --tags "$(TAGS)"

# make bench ARTICLES=1000,5000: the build benchmark (writes docs/performance.md)
ARTICLES ?= 1000,5000
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py --articles $(ARTICLES)

check: $(VENV)/.installed-dev
	$(INVOKE) check

# make lighthouse: Lighthouse scores of every page type (writes docs/quality.md)
lighthouse: $(VENV)/.installed-dev
	$(BIN)/python -m checks.lighthouse

# make search-report: relevance of the reader queries in tests/search_relevance.json (writes docs/search.md)
search-report: $(VENV)/.installed-dev
	$(INVOKE) search-report

# make vendor: copy the theme's browser libraries from their pinned npm packages
vendor: $(VENV)/.installed-base
	$(INVOKE) vendor
