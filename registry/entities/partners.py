"""Partner organisations: the department's sheet, its rows checked and written, the list
exported with the agreements."""

from __future__ import annotations

from core import permissions
from core.selectors import municipalities_for
from core.xlsx.spec import CellError, Column, SheetSpec
from registry import selectors, services
from registry.entities.base import Entity, ExportSheet, Plan
from registry.entities.common import contact_columns, differs
from registry.models import PartnerOrganization

FIELDS = ("name", "inn", "address", "contact_person", "phone", "email")


def partner_spec(user) -> SheetSpec:
    return SheetSpec(
        "Партнёры",
        (
            Column(
                "name",
                "Наименование",
                required=True,
                width=40,
                max_length=500,
                example="ООО «Аргунский завод»",
            ),
            Column("inn", "ИНН", width=14, max_length=12, example="2001000000"),
            Column("address", "Адрес", width=30, max_length=500),
            Column("contact_person", "Контактное лицо", width=24),
            *contact_columns(),
        ),
    )


def plan_partners(plan: Plan, parsed) -> None:
    user = plan.user
    if not permissions.can_edit_department(user):
        plan.errors.append(CellError(1, None, "организации-партнёров загружает департамент."))
        return
    municipality = municipalities_for(user).first()
    existing = {
        p.name.lower(): p for p in PartnerOrganization.objects.filter(municipality=municipality)
    }
    seen: dict[str, int] = {}
    for row in parsed.rows:
        values = row.values
        key = values["name"].lower()
        if not plan.first_time(seen, key, row.row, "та же организация"):
            continue
        partner = existing.get(key)
        data = {name: values.get(name) or "" for name in FIELDS}
        writes = partner is None or differs(partner, data)
        if writes and plan.invalid(row.row, PartnerOrganization, data):
            continue
        if partner is None:
            plan.to_create.append(services.PartnerEntry(municipality, data))
        elif writes:
            plan.to_update.append(services.PartnerEntry(municipality, data, partner))
        plan.show(row.row, values["name"], "", "новая" if partner is None else "обновление")


def write_partners(plan: Plan) -> tuple[int, int]:
    """Through the service the partner's form uses."""
    services.save_partners(user=plan.user, entries=[*plan.to_create, *plan.to_update])
    return len(plan.to_create), len(plan.to_update)


COLUMNS = (
    Column("name", "Наименование", width=40),
    Column("inn", "ИНН", width=14),
    Column("address", "Адрес", width=30),
    Column("contact_person", "Контактное лицо"),
    Column("phone", "Телефон"),
    Column("email", "E-mail"),
    Column("agreements", "Соглашения", width=40),
)


def export_row(partner: PartnerOrganization) -> dict:
    return {
        **{c.key: getattr(partner, c.key) for c in COLUMNS if c.key != "agreements"},
        "agreements": "; ".join(
            f"№ {a.number} от {a.date:%d.%m.%Y}" for a in partner.agreements.all()
        ),
    }


ENTITY = Entity(
    key="partners",
    title="Партнёры",
    of_what="организаций-партнёров",
    sheet=partner_spec,
    planner=plan_partners,
    writer=write_partners,
    selector=selectors.partners_for,
    prefetch=("agreements",),
    export=ExportSheet(SheetSpec("Партнёры", COLUMNS), export_row),
)
