"""The development data never reach production: the production settings do not install
`devdata` (no demo users, no generator command), and nothing production installs imports it —
checked in a production process and by the import contract that keeps it so."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_APPS = {"core", "registry", "roadmap", "monitoring", "ops", "devdata"}
DEVELOPMENT_COMMANDS = {"load_demo_data", "generate_region"}
OPERATIONS_COMMANDS = {"backup_data", "restore_data", "destroy_withdrawn_personal_data"}

PROBE = """
import json, sys, django
django.setup()
from django.conf import settings
from django.core.management import get_commands
from django.urls import get_resolver
get_resolver().url_patterns  # every view module production serves
print(json.dumps({
    "apps": list(settings.INSTALLED_APPS),
    "commands": sorted(get_commands()),
    "imported": sorted(name for name in sys.modules if name.split(".")[0] == "devdata"),
}))
"""


def probe(settings_module: str) -> dict:
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        # Never connected to: the settings are read without a database.
        DATABASE_URL="postgresql://nobody@127.0.0.1:9/nothing",
        PYTHONDONTWRITEBYTECODE="1",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_installs_operations_but_no_development_data():
    found = probe("argun_mentoring.settings.production")
    assert "devdata" not in found["apps"]
    assert "ops" in found["apps"]
    assert found["imported"] == []
    assert not DEVELOPMENT_COMMANDS & set(found["commands"])
    assert OPERATIONS_COMMANDS | {"load_seed_roadmap", "send_deadline_reminders"} <= set(
        found["commands"]
    )


def test_development_and_tests_have_the_demo_and_the_generator():
    assert "devdata" in settings.INSTALLED_APPS
    assert get_commands()["load_demo_data"] == "devdata"
    assert get_commands()["generate_region"] == "devdata"
    assert {name: get_commands()[name] for name in OPERATIONS_COMMANDS} == dict.fromkeys(
        OPERATIONS_COMMANDS, "ops"
    )
    found = probe("argun_mentoring.settings.dev")
    assert "devdata" in found["apps"]
    assert set(found["commands"]) >= DEVELOPMENT_COMMANDS


def test_the_import_contract_covers_every_app_production_installs():
    """lint-imports (tests/test_architecture.py) forbids importing devdata from these."""
    found = probe("argun_mentoring.settings.production")
    installed = {app for app in found["apps"] if app in PROJECT_APPS}
    config = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}
    production = contracts["production"]
    assert production["type"] == "forbidden"
    assert production["forbidden_modules"] == ["devdata"]
    assert set(production["source_modules"]) == installed | {"argun_mentoring"}
