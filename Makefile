# Upstream: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv from PATH, or bootstrapped into .tools/ (a private virtualenv) on a fresh machine.
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Local demo: plain HTTP on this machine only, demo banner on.
RUN_ENV := UPSTREAM_DEMO=1 UPSTREAM_INSECURE_HTTP=1

.PHONY: help install assets db demo run test lint typecheck pytest bench clean messages

help:
	@echo "make run    install, create the database, load the framework and demo data, serve on http://$(HOST):$(PORT) with a background worker"
	@echo "make test   lint, type check and the whole test suite"
	@echo "make bench  benchmarks, each with its ratio to a reference measured in the same run"
	@echo "make messages  regenerate and compile every translation catalog (needs GNU gettext)"

.tools/bin/uv:
	@echo "uv not found: installing it into .tools/ with pip"
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: .venv/.synced node_modules/.installed

assets: install
	$(PY) -m upstream.assets
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0

db: install
	mkdir -p var
	$(RUN_ENV) $(PY) manage.py migrate --noinput

demo: db
	$(RUN_ENV) .venv/bin/upstream demo --host $(HOST) --port $(PORT)

run: assets demo
	$(RUN_ENV) .venv/bin/upstream run --host $(HOST) --port $(PORT)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

typecheck: install
	.venv/bin/mypy

pytest: assets
	.venv/bin/pytest

test: lint typecheck pytest

# Translation catalogs: each app's locale/ and the project's upstream/locale/ (upstream.core.catalogs).
messages: install
	$(PY) -m upstream.core.catalogs

bench: assets
	$(PY) bench/run.py

clean:
	rm -rf build var .tools .pytest_cache .mypy_cache .ruff_cache
