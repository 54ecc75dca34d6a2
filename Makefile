# `make` sets up and builds every edition into dist/; `make test` runs the tests.
.PHONY: all setup test-setup reader build test lint check bench clean

all: build

setup:
	@scripts/setup

# The reading engine (Debian's Chromium, foliate-js, playwright-core) for `folio check --reader`,
# `folio serve` and their tests, which also install it on first use.
reader:
	@scripts/reader --install >/dev/null

build: setup
	.venv/bin/folio build --all-trims --cover

# Two workers (pytest-xdist); loadgroup keeps tests that share a module's build or layout on one
# worker (tests/conftest.py). Pytest's own exit status fails the target, "no tests ran" (5) included.
# The lint runs beside the tests (mypy holds one core for several seconds on a fresh clone) and
# prints when they end; its failure fails the target too.
PYTEST_ARGS ?=
test: test-setup
	@lint=$$(mktemp); { $(LINT); } >"$$lint" 2>&1 & linting=$$!; \
	.venv/bin/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS); tested=$$?; \
	wait $$linting; linted=$$?; cat "$$lint"; rm -f "$$lint"; \
	if [ $$linted -ne 0 ]; then echo "lint failed" >&2; exit $$linted; fi; exit $$tested

test-setup: setup
	@scripts/setup-tests

LINT = .venv/bin/ruff check builder tests bench && .venv/bin/ruff format --check builder tests bench && .venv/bin/mypy
lint: setup
	$(LINT)

check: build
	.venv/bin/folio check

bench: setup
	.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	.venv/bin/python bench/bench.py

clean:
	rm -rf dist .venv
