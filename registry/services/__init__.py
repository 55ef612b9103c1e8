"""Writes to the registry, one module per concern. Every rule is a Russian message, nothing is
half-saved, and every write checks who acts (core.permissions)."""

from registry.services.consents import (
    ADULT_AGE,
    current_consent,
    needs_consent,
    record_consent,
    withdraw_consent,
)
from registry.services.links import (
    LinkOutcome,
    decide_link_request,
    link_mentor_to_school,
    may_decide_link_request,
    request_mentor_links,
)
from registry.services.pairs import (
    change_pair_status,
    pair_errors,
    review_programme,
    save_pair,
    save_programme,
)
from registry.services.people import (
    MENTOR_FIELDS,
    PERSON_FIELDS,
    DuplicatePerson,
    find_same_person,
    foreign_person_message,
    identity_label,
    may_edit_mentor,
    person_visible_to,
    record_mentor_changes,
    save_mentee,
    save_mentor,
)
from registry.services.schools import (
    appoint_curator,
    save_agreement,
    save_partner,
    save_school,
    save_year_stats,
)

__all__ = [
    "ADULT_AGE",
    "MENTOR_FIELDS",
    "PERSON_FIELDS",
    "DuplicatePerson",
    "LinkOutcome",
    "appoint_curator",
    "change_pair_status",
    "current_consent",
    "decide_link_request",
    "find_same_person",
    "foreign_person_message",
    "identity_label",
    "link_mentor_to_school",
    "may_decide_link_request",
    "may_edit_mentor",
    "needs_consent",
    "pair_errors",
    "person_visible_to",
    "record_consent",
    "record_mentor_changes",
    "request_mentor_links",
    "review_programme",
    "save_agreement",
    "save_mentee",
    "save_mentor",
    "save_pair",
    "save_partner",
    "save_programme",
    "save_school",
    "save_year_stats",
    "withdraw_consent",
]
