"""The registry's entities — mentees, mentors, programmes, pairs, partners — each defined once
(its sheet, import planner and writer, export) and registered here.

An import checks every row first; then all rows are written in one transaction, or none. A row
that names a person already in the registry (same full name and date of birth) updates that
record, so importing the same file twice creates nothing new — if the user may change it: a
curator's row naming a mentor of another school sends a link request instead, and a mentee of
another school is an error (transfers are the department's)."""

from registry.entities import mentees, mentors, pairs, partners, programmes
from registry.entities.base import Entity, ExportSheet, Plan

# One place lists the entities; the template, export and import views take them from here.
ENTITIES: dict[str, Entity] = {
    entity.key: entity
    for entity in (
        mentees.ENTITY,
        mentors.ENTITY,
        programmes.ENTITY,
        pairs.ENTITY,
        partners.ENTITY,
    )
}

__all__ = ["ENTITIES", "Entity", "ExportSheet", "Plan"]
