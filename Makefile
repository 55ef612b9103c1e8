# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite split over one worker per core (pytest-xdist; a test file stays on one worker, see
# tests/conftest.py); `make test TEST_WORKERS=` runs it in one process.
TEST_WORKERS ?= -n auto

.PHONY: run test lint format bench bench-national install setup clean-db screenshots loadtest backup restore

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seed_roadmap
	$(PY) manage.py load_demo_data

run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest -q $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=argun_mentoring.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		DATABASE_URL=postgresql://unused@127.0.0.1:9/unused \
		ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/dashboard.py
	$(PY) bench/registry.py
	$(PY) bench/documents.py
	$(PY) bench/monitoring.py
	$(PY) bench/region.py --both
	$(PY) bench/hostile.py

# The region and ten times the region (300 municipalities × 50 schools, 3 000 000 mentees)
# side by side. Both databases are kept in .pgdata-bench: from then on `make bench` measures
# the national size too (BENCH_NATIONAL=1 make bench does the same in one step).
bench-national: install
	BENCH_NATIONAL=1 $(PY) bench/region.py --both --keep

screenshots: install
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest -q tests/e2e

clean-db:
	rm -rf .pgdata .pgdata-test .pgdata-bench .pgdata-embedded-*

loadtest: install
	$(PY) -m pip install --quiet -e ".[dev,load]"
	$(PY) bench/load.py

# Backup to var/backups/<date-time>/ and restore into an empty database (docs/deploy.md):
# make backup; make restore BACKUP=var/backups/20250301-023000 [RESTORE_ARGS="--database-url ..."]
# (no `install` step: a backup never reinstalls packages on a server)
backup:
	$(PY) manage.py backup_data $(BACKUP_ARGS)

restore:
	@test -n "$(BACKUP)" || { echo "Укажите копию: make restore BACKUP=var/backups/<дата-время>"; exit 2; }
	$(PY) manage.py restore_data $(BACKUP) $(RESTORE_ARGS)
