"""Load an order with its roadmap from a seed file in ``fixtures/`` (see the JSON's keys).

Texts go through the same cleaning as an imported file (roadmap.text): runs of spaces, «00»
for «ОО» and words broken at a line end are mended, nothing else is changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import Department, Municipality
from roadmap.evidence import apply_defaults
from roadmap.models import Measure, Order, OrderPoint, ResponsibleParty, Roadmap, Section
from roadmap.selectors import responsible_display
from roadmap.services import apply_deadline, set_responsible, sync_executions
from roadmap.services.events import mark_event_measures
from roadmap.text import clean_line, clean_text

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "order-172-1-roadmap.json"


@dataclass(frozen=True)
class SeedResult:
    roadmap: Roadmap
    created: bool


def read_seed(path: Path = SEED_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def load_seed(path: Path = SEED_FILE) -> SeedResult:
    """Create the municipality, department, parties and the roadmap unless already there.

    A roadmap already loaded is left as it is, so that edits made in the application
    survive every restart.
    """
    data = read_seed(path)
    municipality, _ = Municipality.objects.get_or_create(
        name=data["municipality"]["name"],
        defaults={"short_name": data["municipality"].get("short_name", "")},
    )
    dept = data["department"]
    Department.objects.get_or_create(
        municipality=municipality,
        defaults={
            "full_name": dept["full_name"],
            "short_name": dept["short_name"],
            "header_lines": "\n".join(dept["header_lines"]),
            "header_lines_local": "\n".join(dept.get("header_lines_local", [])),
            "city": dept["city"],
            "head_position": dept["head_position"],
            "head_name": dept["head_name"],
        },
    )
    parties = {}
    for position, party in enumerate(data["responsible_parties"]):
        parties[party["name"]], _ = ResponsibleParty.objects.get_or_create(
            name=party["name"], defaults={"kind": party["kind"], "position": position}
        )

    order_data = data["order"]
    existing = Order.objects.filter(
        roadmap__municipality=municipality,
        number=order_data["number"],
        date=date.fromisoformat(order_data["date"]),
    ).select_related("roadmap")
    if existing:
        return SeedResult(roadmap=existing[0].roadmap, created=False)

    rm = data["roadmap"]
    order_date = date.fromisoformat(order_data["date"])
    status = rm.get("status", Roadmap.Status.DRAFT)
    roadmap = Roadmap(
        municipality=municipality,
        title=clean_line(rm["title"]),
        school_year_start=rm["school_year_start"],
        period_start=date.fromisoformat(rm["period_start"]),
        period_end=date.fromisoformat(rm["period_end"]),
        status=status,
        # The order that the seed carries is what approved the roadmap.
        approved_at=timezone.make_aware(datetime.combine(order_date, time(9)))
        if status == Roadmap.Status.APPROVED
        else None,
    )
    roadmap._change_reason = reason = f"Загрузка приказа № {order_data['number']}"
    roadmap.save()
    order = Order.objects.create(
        roadmap=roadmap,
        number=order_data["number"],
        date=date.fromisoformat(order_data["date"]),
        title=order_data["title"],
        preamble=order_data.get("preamble", ""),
        signatory_position=order_data["signatory_position"],
        signatory_name=order_data["signatory_name"],
        appendix_mark=order_data["appendix_mark"],
    )
    OrderPoint.objects.bulk_create(
        OrderPoint(order=order, number=index, text=text)
        for index, text in enumerate(order_data["points"], start=1)
    )
    for section_position, section_data in enumerate(data["sections"], start=1):
        section = Section.objects.create(
            roadmap=roadmap,
            number=section_data["number"],
            title=clean_line(section_data["title"]),
            position=section_position,
        )
        for position, item in enumerate(section_data["measures"], start=1):
            measure = Measure(
                section=section,
                number=item["number"],
                title=clean_text(item["title"]),
                deadline_text=clean_line(item["deadline_text"]),
                result=clean_text(item["result"]),
                position=position,
            )
            apply_deadline(measure, roadmap)
            measure._change_reason = reason
            responsible = [parties[name] for name in item["responsible"]]
            measure.responsible_text = responsible_display([p.name for p in responsible])
            measure.save()
            set_responsible(measure, responsible)
    sync_executions(roadmap)
    # Seminars, the information campaign, events through the period: a list of events each.
    mark_event_measures(roadmap, rm.get("event_measures", ()))
    apply_defaults(roadmap)
    return SeedResult(roadmap=roadmap, created=True)
