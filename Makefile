# Two commands to start: `make serve` and `make test` (see README.md).
# The Makefile only bootstraps .venv; the work is done by the invoke tasks in tasks.py.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INVOKE := $(BIN)/invoke

.PHONY: serve build test clean new-post bench check lighthouse lock search-report vendor

# Every Python package (runtime and dev, pip included) comes from requirements.txt,
# each checked against its hash: a file that does not match fails the install.
LOCK := requirements.txt
# `make lock` regenerates it from pyproject.toml with uv (pinned in the lock itself);
# existing pins are kept, so rerunning it changes only what pyproject.toml changed.
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	--python-version 3.11.5 --quiet

$(VENV)/.installed-base: $(LOCK) pyproject.toml plugins/callouts/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	# the project's own packages (plugins, settings, tools), editable, with nothing more to fetch
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e ./plugins/callouts -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base
	touch $@

lock: $(VENV)/.installed-base
	$(UV_COMPILE) --output-file $(LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)


# make serve PORT=8001 HOST=0.0.0.0
serve: $(VENV)/.installed-base
	$(INVOKE) serve $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

build: $(VENV)/.installed-base
	$(INVOKE) build $(if $(PUBLISH),--publish)

test: $(VENV)/.installed-dev
	$(INVOKE) test

clean:
	rm -rf output output.* cache

# make new-post TITLE="Lego answers Luka" COMPANIES=Lego TAGS=empathy,follow-up
new-post: $(VENV)/.installed-base
	$(INVOKE) new-post "$(TITLE)" --companies "$(COMPANIES)" --tags "$(TAGS)"

# make bench ARTICLES=1000,5000 [SHAPES=typical,reported] [ROUNDS=2]: the build benchmark
# on every corpus shape unless SHAPES names some (writes docs/performance.md)
ARTICLES ?= 1000,5000
bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.run --articles $(ARTICLES) $(if $(SHAPES),--shapes $(SHAPES)) $(if $(ROUNDS),--rounds $(ROUNDS))

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
