# `make` sets up and builds every edition into dist/; `make test` runs the tests.
.PHONY: all setup build test lint check bench clean

all: build

setup:
	@scripts/setup

build: setup
	.venv/bin/folio build --all-trims --cover

test: lint
	.venv/bin/python -m pytest

lint: setup
	.venv/bin/ruff check builder tests bench
	.venv/bin/mypy

check: build
	.venv/bin/folio check

bench: setup
	.venv/bin/python bench/bench.py

clean:
	rm -rf dist .venv
