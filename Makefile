# Hadir: `make run` serves the API locally, `make check` runs the fast checks,
# `make test` checks everything.
# Both create .venv and install what they need on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

STAGE ?= prod
# The in-process tests: no server, browser or bundle is started.
IN_PROCESS := not stack and not browser and not fuzz and not load and not package

.PHONY: run export import check test browser-deps java-deps lint format bench mutate package seed-event vendor screenshots clean

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# DynamoDB Local (fetched once into .cache/), its data in HADIR_DATA_DIR (default .hadir/).
run: $(INSTALLED) java-deps
	$(BIN)/python -m devtools.run_local

# One event's items as JSON lines, and back into a store without it (README "Backup"):
# make export FILE=out.jsonl [EVENT=...] [TABLE=<a deployed stage's table>]
EVENT ?= socmed-conservation-2016
BACKUP_TABLE = $(if $(TABLE),--table "$(TABLE)")
export: $(INSTALLED)
	@test -n "$(FILE)" || { echo "usage: make export FILE=out.jsonl [EVENT=$(EVENT)] [TABLE=...]"; exit 2; }
	$(BIN)/python -m devtools.backup export --file "$(FILE)" --event "$(EVENT)" $(BACKUP_TABLE)

import: $(INSTALLED)
	@test -n "$(FILE)" || { echo "usage: make import FILE=out.jsonl [TABLE=...]"; exit 2; }
	$(BIN)/python -m devtools.backup import --file "$(FILE)" $(BACKUP_TABLE)

# The fast tier: lint, types and the in-process tests, in a few minutes.
check: lint
	$(BIN)/python -m pytest -q -m "$(IN_PROCESS)" tests/unit tests/store tests/api

test: lint browser-deps java-deps
	$(BIN)/python -m pytest

# Debian's chromium, chromium-driver and ffmpeg for the browser tests (as root; else they skip).
browser-deps:
	bash devtools/install_browser.sh

# Debian's openjdk-17-jre-headless for DynamoDB Local (as root; else says what to install).
java-deps:
	bash devtools/install_java.sh

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(INSTALLED)
	$(BIN)/python -m devtools.bench

# Weakens the store's conditions one at a time and shows a test catches each (README).
mutate: $(INSTALLED)
	$(BIN)/python -m devtools.mutate

# A CloudFormation template and the Lambda bundle in build/package-$(STAGE): see docs/deploy.md.
package: $(INSTALLED)
	$(BIN)/python -m devtools.package --stage $(STAGE)

# Loads the seeded events into a deployed stage: make seed-event URL=https://.../api
# (the organiser token from HADIR_ORGANISER_TOKEN, or asked for).
seed-event: $(INSTALLED)
	@test -n "$(URL)" || { echo "usage: make seed-event STAGE=$(STAGE) URL=https://<api>/api"; exit 2; }
	$(BIN)/python -m devtools.seed_event --url "$(URL)"

# Refetch the pages' pinned npm files (committed) into chalicelib/web/vendor.
vendor: $(INSTALLED)
	$(BIN)/python -m devtools.fetch_vendor

# The README's screenshots (docs/screenshots), taken by the browser tests.
screenshots: $(INSTALLED) browser-deps
	HADIR_SCREENSHOTS=1 $(BIN)/python -m pytest -q -m browser tests/browser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build
