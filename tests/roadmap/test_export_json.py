import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def export(roadmap) -> str:
    out = io.StringIO()
    call_command("export_roadmap", roadmap.pk, "--format", "json", stdout=out)
    return out.getvalue()


def test_json_has_the_stable_keys(roadmap):
    data = json.loads(export(roadmap))
    assert list(data) == ["title", "school_year", "order", "sections"]
    assert data["school_year"] == "2020–2021"
    assert data["order"] == {"number": "172/1", "date": "2020-10-28"}
    assert [s["number"] for s in data["sections"]] == ["1", "2", "3", "4"]
    assert list(data["sections"][0]) == ["number", "title", "measures", "printed_number"]
    assert {s["printed_number"] for s in data["sections"]} == {""}  # typed, not imported
    measure = data["sections"][1]["measures"][6]
    assert list(measure) == [
        "number",
        "title",
        "deadline_text",
        "deadline_kind",
        "starts_on",
        "due_on",
        "responsible",
        "result",
        "status",
        "printed_number",
    ]
    assert measure["number"] == "2.7"
    assert (measure["starts_on"], measure["due_on"]) == ("2020-11-01", "2021-04-30")
    assert measure["deadline_kind"] == "range"
    assert measure["responsible"] == ["Департамент образования"]
    assert measure["status"] == "not_started"
    assert measure["printed_number"] == ""
    schedule = data["sections"][1]["measures"][9]
    assert (schedule["number"], schedule["due_on"]) == ("2.10", None)
    assert sum(len(s["measures"]) for s in data["sections"]) == 34


def test_json_is_not_ascii_escaped(roadmap):
    text = export(roadmap)
    assert "Департамент образования" in text
    assert "\\u04" not in text


def test_json_to_file(roadmap, tmp_path):
    target = tmp_path / "roadmap.json"
    call_command("export_roadmap", roadmap.pk, "--format", "json", "-o", str(target))
    assert json.loads(target.read_text("utf-8"))["order"]["number"] == "172/1"


def test_unknown_roadmap_is_a_clear_error(db):
    with pytest.raises(CommandError, match="не найдена"):
        call_command("export_roadmap", 999999, "--format", "json")


@pytest.mark.django_db(transaction=True)
def test_command_line_prints_utf8_to_stdout(roadmap):
    """The real command, in its own process, writes UTF-8 bytes whatever the locale."""
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONIOENCODING": "ascii",
        "DJANGO_SETTINGS_MODULE": "argun_mentoring.settings.test",
        "DATABASE_URL": _url(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "export_roadmap", str(roadmap.pk), "--format", "json"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    )
    data = json.loads(result.stdout.decode("utf-8"))
    assert data["sections"][0]["measures"][0]["responsible"] == ["Департамент образования"]


def _url() -> str:
    db = settings.DATABASES["default"]
    from urllib.parse import quote

    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}{port}/{db['NAME']}"
