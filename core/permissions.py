"""Who may do what: one named predicate per rule, used by the view decorators, by the services
(which raise PermissionDenied), by views deciding what to show, and by the templates (through
the `perms_ui` flags of the context processor). Which objects a user reaches is the selectors'
business (`*_for(user, pk)` → 404); these say which actions a role has.

The roles (core.roles): administrator, head of department, department staff, school curator,
regional coordinator, and an account without a role.
"""

from __future__ import annotations

from core.roles import (
    ROLE_ADMIN,
    ROLE_CURATOR,
    ROLE_HEAD,
    ROLE_NONE,
    ROLE_REGION,
    ROLE_STAFF,
    role_of,
)

DEPARTMENT = frozenset({ROLE_ADMIN, ROLE_HEAD, ROLE_STAFF})
DEPARTMENT_EDITORS = frozenset({ROLE_ADMIN, ROLE_STAFF})


# --- who someone is ---------------------------------------------------------------------------


def has_role(user) -> bool:
    """Any of the product's roles: an account without one sees nothing but its password."""
    return role_of(user) != ROLE_NONE


def is_department(user) -> bool:
    """Staff, head and administrators see the whole municipality."""
    return role_of(user) in DEPARTMENT


def is_region(user) -> bool:
    """The regional coordinator reads every municipality's roadmaps and figures; changes
    nothing and sees no one's personal data (152-ФЗ, ст. 5: only what the purpose needs)."""
    return role_of(user) == ROLE_REGION


def is_curator(user) -> bool:
    """A school's curator: acts for that one school only."""
    return role_of(user) == ROLE_CURATOR


def is_curator_of(user, school_id) -> bool:
    """The curator of this very school."""
    if not is_curator(user) or school_id is None:
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.school_id == school_id


# --- the department's work --------------------------------------------------------------------


def can_read_department_pages(user) -> bool:
    """The department's pages (dashboard, review queue, documents): the department itself, and
    the regional coordinator, who reads them and changes nothing."""
    return is_department(user) or is_region(user)


def can_edit_department(user) -> bool:
    """Staff and administrators keep the municipality's data: the roadmap and its editor, the
    registry's department-wide records (partners, schools, linking mentors), the monitoring's
    targets, periods and questionnaires. The head reads."""
    return role_of(user) in DEPARTMENT_EDITORS


def can_review(user) -> bool:
    """Reviewing what schools send: reports on measures, monitoring reports, programmes'
    expert review."""
    return role_of(user) in DEPARTMENT_EDITORS


def can_approve(user) -> bool:
    """Approving a roadmap: the head of department (or an administrator)."""
    return role_of(user) in {ROLE_HEAD, ROLE_ADMIN}


def can_manage_accounts(user) -> bool:
    """Appointing curators, issuing password links, switching access off and on (for which
    accounts: core.selectors.accounts_for)."""
    return role_of(user) in DEPARTMENT_EDITORS


# --- executions of measures -------------------------------------------------------------------


def can_act_on(user, execution) -> bool:
    """Who reports on an execution: its school's curator, or for the department's own part
    (no school) department staff."""
    if execution.school_id is None:
        return can_edit_department(user)
    return is_curator_of(user, execution.school_id)


def can_record_events(user) -> bool:
    """The events held under a measure (seminars, publications): curators enter their
    school's, department staff any; the head reads."""
    return role_of(user) in {ROLE_CURATOR, ROLE_STAFF, ROLE_ADMIN}


def has_own_measures(user) -> bool:
    """«Мои мероприятия»: curators (their school's part) and staff (the department's part)."""
    return role_of(user) in {ROLE_CURATOR, ROLE_STAFF, ROLE_ADMIN}


def gets_reminders(user) -> bool:
    """Deadline reminders go to curators and department staff."""
    return role_of(user) in {ROLE_CURATOR, ROLE_STAFF}


# --- people's data and the registry -----------------------------------------------------------


def can_see_personal_data(user) -> bool:
    """Names of people (users, mentors, mentees, representatives), the free texts written about
    the work (report texts, comments, SWOT analyses) and the files attached to it.

    The municipality's own people see them (a curator only for their school — the selectors'
    business); the regional coordinator reads figures, statuses and the roadmap's own texts
    only (152-ФЗ, ст. 5: no more data than the purpose needs); an account without a role sees
    nothing.
    """
    return role_of(user) in {ROLE_ADMIN, ROLE_HEAD, ROLE_STAFF, ROLE_CURATOR}


def can_use_registry(user) -> bool:
    """The registry with people's data: the municipality's own people, not the region."""
    return can_see_personal_data(user)


def can_change_registry(user) -> bool:
    """Entering and changing registry records, loading them from Excel: curators (their
    school's) and department staff; the head only reads."""
    return role_of(user) in {ROLE_CURATOR, ROLE_STAFF, ROLE_ADMIN}


def can_decide_link_requests(user) -> bool:
    """Deciding requests to link a mentor to a second school: department staff, and curators
    of a school the mentor already works at (which request: registry.services)."""
    return role_of(user) in {ROLE_CURATOR, ROLE_STAFF, ROLE_ADMIN}


# --- monitoring ---------------------------------------------------------------------------------


def can_use_monitoring(user) -> bool:
    """Every role sees the monitoring; a curator only their own school (selectors)."""
    return has_role(user)


def can_see_regional_summary(user) -> bool:
    """Municipalities side by side: the regional coordinator (and administrators)."""
    return role_of(user) in {ROLE_REGION, ROLE_ADMIN}


def can_fill_school_report(user, report) -> bool:
    """A school's monitoring report is filled in (answers, SWOT, submission) by its curator."""
    return is_curator_of(user, report.school_id)


def manages_every_account(user) -> bool:
    """An administrator manages every account; staff only their municipality's curators."""
    return role_of(user) == ROLE_ADMIN


# What the templates may ask (core.context_processors.role hands them as `perms_ui`).
UI_FLAGS = {
    "has_role": has_role,
    "is_curator": is_curator,
    "is_department": is_department,
    "can_edit_department": can_edit_department,
    "can_review": can_review,
    "can_approve": can_approve,
    "can_manage_accounts": can_manage_accounts,
    "manages_every_account": manages_every_account,
    "can_use_registry": can_use_registry,
    "can_change_registry": can_change_registry,
    "can_see_regional_summary": can_see_regional_summary,
    "gets_reminders": gets_reminders,
    "can_record_events": can_record_events,
}
