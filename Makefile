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

test: lint test-setup
	.venv/bin/python -m pytest

test-setup: setup
	@scripts/setup-tests

lint: setup
	.venv/bin/ruff check builder tests bench
	.venv/bin/mypy

check: build
	.venv/bin/folio check

bench: setup
	.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	.venv/bin/python bench/bench.py

clean:
	rm -rf dist .venv
