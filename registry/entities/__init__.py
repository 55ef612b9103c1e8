"""XLSX import and export of registry lists: one sheet spec per entity (`sheets`), every row
checked before anything is written (`planning`), and the exports (`export`).

Every row is checked first; then all rows are written in one transaction, or none. A row
that names a person already in the registry (same full name and date of birth) updates that
record, so importing the same file twice creates nothing new — if the user may change it: a
curator's row naming a mentor of another school sends a link request instead, and a mentee of
another school is an error (transfers are the department's)."""

from registry.entities.export import (
    export_rows,
)
from registry.entities.planning import (
    ALREADY_ASKED,
    ASK_TO_LINK,
    MENTOR_IMPORT_FIELDS,
    PERSON_FIELDS,
    PLANNERS,
    PREVIEW_ROWS,
    PairRows,
    Plan,
    apply,
    plan_file,
    plan_mentees,
    plan_mentors,
    plan_pairs,
    plan_partners,
    plan_programmes,
)
from registry.entities.sheets import (
    ENTITY_TITLES,
    MENTEE_KIND_LABELS,
    MENTOR_KIND_LABELS,
    PAIR_STATUSES,
    SPECS,
    mentee_spec,
    mentor_spec,
    pair_spec,
    partner_spec,
    programme_spec,
)

__all__ = [
    "ALREADY_ASKED",
    "ASK_TO_LINK",
    "ENTITY_TITLES",
    "MENTEE_KIND_LABELS",
    "MENTOR_IMPORT_FIELDS",
    "MENTOR_KIND_LABELS",
    "PAIR_STATUSES",
    "PERSON_FIELDS",
    "PLANNERS",
    "PREVIEW_ROWS",
    "SPECS",
    "PairRows",
    "Plan",
    "apply",
    "export_rows",
    "mentee_spec",
    "mentor_spec",
    "pair_spec",
    "partner_spec",
    "plan_file",
    "plan_mentees",
    "plan_mentors",
    "plan_pairs",
    "plan_partners",
    "plan_programmes",
    "programme_spec",
]
