"""The house's rules about its own code: imports point down only (the import-linter contracts
in pyproject.toml), no module grows past a screenful of concerns, and views hold neither forms
nor queries."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 700
PACKAGES = (
    "argun_mentoring",
    "core",
    "registry",
    "roadmap",
    "monitoring",
    "ops",
    "devdata",
    "bench",
)
# Known to be over the limit, each with the step that brings it under: remove a module from the
# list when it is split (the test says so).
TOO_LONG_FOR_NOW = {
    "monitoring/exports.py": "the monitoring's printed summaries are being reworked",
}


def test_imports_follow_the_contracts():
    """core at the bottom, registry and roadmap above it, monitoring above them, tooling on
    top; no app imports the configuration; no import cycles inside an app."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path


def test_no_module_is_over_700_lines():
    too_long = {
        name: count
        for name, path in _modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    unexpected = sorted(set(too_long) - set(TOO_LONG_FOR_NOW))
    assert not unexpected, f"over {MAX_LINES} lines: " + ", ".join(
        f"{name} ({too_long[name]})" for name in unexpected
    )
    no_longer = sorted(set(TOO_LONG_FOR_NOW) - set(too_long))
    assert not no_longer, f"now within {MAX_LINES} lines, take off the list: {no_longer}"


def test_ui_text_is_russian_literals_without_gettext():
    """One policy for interface text (README, «Тексты интерфейса»): Russian literals, no
    half-used translation machinery in the product's code or templates."""
    machinery = re.compile(r"gettext|\{%\s*(load i18n|trans |translate |blocktrans)")
    used = []
    for folder in (*PACKAGES, "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
                continue
            if machinery.search(path.read_text(encoding="utf-8", errors="replace")):
                used.append(path.relative_to(ROOT).as_posix())
    assert used == []
    assert not settings.LOCALE_PATHS
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE


def _view_modules():
    """Every module of a views package, and a module named views*.py."""
    for name, path in _modules():
        parts = name.split("/")
        if "views" in parts[:-1] or parts[-1].startswith("views"):
            yield name, path


def _name_of(node) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def test_no_form_is_defined_in_a_view_module():
    """Forms live in the app's forms module (or package), never beside the views."""
    defined = [
        f"{name}: {node.name}"
        for name, path in _view_modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(_name_of(base).endswith("Form") for base in node.bases)
    ]
    assert defined == []


# A query written in a view: the page's data comes from a selector instead.
QUERY = re.compile(
    r"\.objects\b|get_object_or_404\(|"
    r"\.(filter|exclude|annotate|aggregate|order_by|select_related|prefetch_related)\("
)
# Known to read for themselves, each with the step that moves its reads into selectors.
READS_IN_VIEWS_FOR_NOW = {
    "registry/views_io.py": "the XLSX pages move onto the registry entities' definitions",
}


def test_views_read_through_selectors():
    """Views stay thin: querysets, counts and lookups are in the selectors (scoped to the
    user) or the apps' summary modules, not written out in a view."""
    reading = sorted(
        name
        for name, path in _view_modules()
        if QUERY.search(path.read_text(encoding="utf-8")) and name not in READS_IN_VIEWS_FOR_NOW
    )
    assert reading == []
