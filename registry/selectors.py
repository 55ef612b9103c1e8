"""Reads of the registry, scoped to what the user may see."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.models import AuditEvent, School
from core.permissions import can_edit_department, can_see_personal_data, is_curator, is_department
from core.selectors import municipalities_for, school_of, schools_for
from registry.models import (
    Agreement,
    ConclusionFile,
    Consent,
    Mentee,
    MenteeRequest,
    Mentor,
    MentorLinkRequest,
    MentorTraining,
    Pair,
    PairMentee,
    PartnerOrganization,
    Programme,
    search_key,
)

# --- registry objects, each through what the user may see -------------------------------------


def _by_school(queryset, user, school_field: str = "school"):
    """Department roles: their municipality's schools; a curator: their own school only."""
    if is_curator(user):
        school = school_of(user)
        if school is None:
            return queryset.none()
        return queryset.filter(**{school_field: school})
    return queryset.filter(**{f"{school_field}__municipality__in": municipalities_for(user)})


def mentees_for(user) -> QuerySet[Mentee]:
    queryset = Mentee.objects.select_related("school")
    if is_curator(user):
        return _by_school(queryset, user)
    # The municipality is on the row itself: the list's index starts with it.
    return queryset.filter(municipality__in=municipalities_for(user))


def mentee_for(user, pk: int) -> Mentee:
    return get_object_or_404(mentees_for(user), pk=pk)


def mentors_for(user) -> QuerySet[Mentor]:
    if is_curator(user):
        school = school_of(user)
        if school is None:
            return Mentor.objects.none()
        return Mentor.objects.filter(schools=school).select_related("partner")
    return Mentor.objects.filter(municipality__in=municipalities_for(user)).select_related(
        "partner"
    )


def mentor_for(user, pk: int) -> Mentor:
    return get_object_or_404(mentors_for(user), pk=pk)


def mentee_requests_for(user) -> QuerySet[MenteeRequest]:
    """The reference list of requests of the user's municipality (all, switched off too)."""
    return MenteeRequest.objects.filter(municipality__in=municipalities_for(user))


def mentee_request_for(user, pk: int) -> MenteeRequest:
    return get_object_or_404(mentee_requests_for(user), pk=pk)


def mentee_request_choices(user, mentee: Mentee | None = None) -> QuerySet[MenteeRequest]:
    """What the mentee's form offers: the requests in use, and the mentee's own if switched
    off since."""
    own = Q(pk=mentee.request_id) if mentee is not None and mentee.request_id else Q(pk=None)
    return mentee_requests_for(user).filter(Q(is_active=True) | own)


def trainings_of(mentor: Mentor) -> QuerySet[MentorTraining]:
    return mentor.trainings.all()


def training_for(user, pk: int) -> MentorTraining:
    return get_object_or_404(
        MentorTraining.objects.filter(mentor__in=mentors_for(user)).select_related("mentor"),
        pk=pk,
    )


def conclusion_for(user, pk: int) -> ConclusionFile:
    """A programme's conclusion file: through the programme the user may see; never for
    those without access to personal data (the regional coordinator)."""
    if not can_see_personal_data(user):
        raise Http404("Файл не найден.")
    programme = programme_for(user, pk)
    conclusion = ConclusionFile.objects.filter(programme=programme).exclude(file="").first()
    if conclusion is None:
        raise Http404("Файл заключения не загружен.")
    return conclusion


def programmes_for(user) -> QuerySet[Programme]:
    return _by_school(Programme.objects.select_related("school", "form"), user)


def programme_for(user, pk: int) -> Programme:
    return get_object_or_404(programmes_for(user), pk=pk)


# --- a new pair: the programme first, then its school's people ---------------------------------

PAIR_MENTEES_SHOWN = 40


def pair_programmes(user) -> QuerySet[Programme]:
    """The programmes a pair may be formed in, by school and title."""
    return programmes_for(user).order_by("school__short_name", "-starts_on", "title")


def pair_programme(user, value) -> Programme | None:
    """The programme chosen in the address or the form, or the user's only programme when
    none was chosen; None when there is a choice to make (or not a number). One the user may
    not see is a 404."""
    value = str(value or "").strip()
    if value.isdigit():
        return programme_for(user, int(value))
    if value:
        return None
    only = list(pair_programmes(user)[:2])
    return only[0] if len(only) == 1 else None


def pair_people(user, programme: Programme) -> tuple[QuerySet[Mentor], QuerySet[Mentee]]:
    """Who may be in a pair of the programme: the mentors of its school (or of a partner
    organisation) and the mentees of its school, of the kinds its form allows."""
    form = programme.form
    mentors = (
        mentors_for(user)
        .filter(Q(schools=programme.school_id) | Q(partner__isnull=False))
        .filter(kind__in=form.mentor_kinds)
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "id")
    )
    mentees = (
        mentees_for(user)
        .filter(school=programme.school_id, kind__in=form.mentee_kinds)
        .order_by("last_name", "first_name", "patronymic", "id")
    )
    return mentors, mentees


def mentees_found(mentees: QuerySet[Mentee], q: str, chosen: set[int]) -> dict:
    """The mentees a pair form lists: the chosen ones first, then those whose name starts with
    ``q`` (all of the school without it), at most PAIR_MENTEES_SHOWN."""
    key = search_key(q or "")
    found = mentees.exclude(pk__in=chosen)
    if key:
        found = found.filter(search_name__startswith=key)
    total = found.count()
    return {
        "chosen": list(mentees.filter(pk__in=chosen)),
        "found": list(found[:PAIR_MENTEES_SHOWN]),
        "more": max(0, total - PAIR_MENTEES_SHOWN),
        "q": q,
    }


def pairs_for(user) -> QuerySet[Pair]:
    return _by_school(
        Pair.objects.select_related("programme__school", "programme__form", "mentor"),
        user,
        "programme__school",
    )


def pair_for(user, pk: int) -> Pair:
    return get_object_or_404(pairs_for(user), pk=pk)


def consents_for(user) -> QuerySet[Consent]:
    return _by_school(Consent.objects.select_related("mentee__school"), user, "mentee__school")


def consent_for(user, pk: int) -> Consent:
    return get_object_or_404(consents_for(user), pk=pk)


def partners_for(user) -> QuerySet[PartnerOrganization]:
    return PartnerOrganization.objects.filter(municipality__in=municipalities_for(user))


def partner_for(user, pk: int) -> PartnerOrganization:
    return get_object_or_404(partners_for(user), pk=pk)


def agreements_for(user) -> QuerySet[Agreement]:
    """A curator sees the department's agreements and their own school's."""
    queryset = Agreement.objects.filter(
        partner__municipality__in=municipalities_for(user)
    ).select_related("partner", "school")
    if is_curator(user):
        return queryset.filter(Q(school__isnull=True) | Q(school=school_of(user)))
    return queryset


def mentor_load(mentor_ids) -> dict[int, int]:
    """How many mentees each mentor has in active pairs (one query)."""
    rows = (
        PairMentee.objects.filter(pair__mentor_id__in=list(mentor_ids), is_active=True)
        .values("pair__mentor_id")
        .annotate(n=Count("id"))
    )
    return {row["pair__mentor_id"]: row["n"] for row in rows}


def mentor_in_municipality(user, pk: int) -> Mentor:
    """Any mentor of the user's municipality: a curator may link one to their school."""
    return get_object_or_404(
        Mentor.objects.filter(municipality__in=municipalities_for(user)), pk=pk
    )


# --- requests to link a mentor to a second school ------------------------------------------------


def link_requests_for(user) -> QuerySet[MentorLinkRequest]:
    """The department: every request of its municipality. A curator: their school's own
    requests and those about mentors who already work at their school."""
    queryset = MentorLinkRequest.objects.select_related(
        "mentor", "school", "requested_by", "decided_by"
    )
    if is_curator(user):
        school = school_of(user)
        if school is None:
            return queryset.none()
        return queryset.filter(
            Q(school=school) | Q(mentor__in=Mentor.objects.filter(schools=school))
        )
    if is_department(user):
        return queryset.filter(mentor__municipality__in=municipalities_for(user))
    return queryset.none()


def link_request_for(user, pk: int) -> MentorLinkRequest:
    return get_object_or_404(link_requests_for(user), pk=pk)


def link_requests_to_decide(user) -> QuerySet[MentorLinkRequest]:
    """Pending requests the user may approve or reject."""
    if is_curator(user):
        # Another school's requests about mentors who already work at the curator's school:
        # of the requests the curator sees (link_requests_for), exactly these, in one join.
        school = school_of(user)
        if school is None:
            return MentorLinkRequest.objects.none()
        return (
            MentorLinkRequest.objects.select_related(
                "mentor", "school", "requested_by", "decided_by"
            )
            .filter(state=MentorLinkRequest.State.PENDING, mentor__schools=school)
            .exclude(school=school)
        )
    pending = link_requests_for(user).filter(state=MentorLinkRequest.State.PENDING)
    if can_edit_department(user):
        return pending
    return pending.none()


def link_request_lists(user, *, shown: int) -> dict:
    """The link requests page: the pending ones others ask of the user (a queryset, paged by
    the page), the latest ``shown`` decided ones, and the curator's school's own requests."""
    own = school_of(user)
    visible = link_requests_for(user)
    incoming = visible.exclude(school=own) if own else visible
    pending = MentorLinkRequest.State.PENDING
    return {
        "pending": incoming.filter(state=pending).order_by("requested_at", "id"),
        "decided": incoming.exclude(state=pending).order_by("-decided_at", "-id")[:shown],
        "ours": visible.filter(school=own).order_by("-requested_at", "-id")[:shown] if own else [],
    }


# --- what the registry's pages show ---------------------------------------------------------------


def school_choices(user) -> QuerySet[School]:
    """The schools a form may offer: the curator's own, or the municipality's for staff."""
    return schools_for(user).filter(is_active=True)


def school_filter_choices(user) -> QuerySet[School] | None:
    """The schools a list may be narrowed to; none for a curator, whose lists are one
    school's."""
    return None if is_curator(user) else school_choices(user)


def schools_with_details(user) -> QuerySet[School]:
    """The schools page: each school with its yearly counts and its curators."""
    return schools_for(user).prefetch_related("year_stats", "profiles__user")


def partners_data(user) -> dict:
    return {
        "partners": partners_for(user).order_by("name"),
        "agreements": agreements_for(user).order_by("-date"),
    }


def mentors_with_schools(user) -> QuerySet[Mentor]:
    return mentors_for(user).prefetch_related("schools")


def pairs_with_mentees(user) -> QuerySet[Pair]:
    return pairs_for(user).prefetch_related("mentees")


def pairs_with_mentee_names(user) -> QuerySet[Pair]:
    """Pairs with ``mentee_names``: their mentees' full names in the registry's order, one
    array a row, for the list that shows the names only (a group of thirty is thirty names,
    not thirty records)."""
    parts = ("last_name", "first_name", "patronymic")
    names = (
        PairMentee.objects.filter(pair=OuterRef("pk"))
        .order_by(*(f"mentee__{part}" for part in parts), "mentee_id")
        .values(
            name=Func(
                Value(" "),
                *(NullIf(F(f"mentee__{part}"), Value("")) for part in parts),
                function="concat_ws",
            )
        )
    )
    return pairs_for(user).annotate(mentee_names=ArraySubquery(names))


def programme_pairs(programme: Programme) -> QuerySet[Pair]:
    return programme.pairs.select_related("mentor").prefetch_related("mentees")


def works_at(mentor: Mentor, school: School) -> bool:
    return mentor.schools.filter(pk=school.pk).exists()


def mentee_consents(mentee: Mentee) -> list[Consent]:
    return list(mentee.consents.select_related("recorded_by", "withdrawal_recorded_by"))


def consent_rows(consents: list[Consent], day) -> list[tuple[Consent, object]]:
    """Each consent with its state on the day («действует до …», «истекло …», «отозвано …»)."""
    return [(consent, consent.state_on(day)) for consent in consents]


def mentee_pairs(mentee: Mentee) -> QuerySet[Pair]:
    return mentee.pairs.select_related("mentor", "programme__form")


def mentor_data(mentor: Mentor, user, *, history: int) -> dict:
    """A mentor's page: the schools, the pairs the user may see, the mentor's load, and the
    latest ``history`` changes to the record."""
    return {
        "mentor": mentor,
        "schools": mentor.schools.all(),
        "pairs": pairs_with_mentees(user).filter(mentor=mentor),
        "load": mentor_load([mentor.pk]).get(mentor.pk, 0),
        "trainings": trainings_of(mentor),
        "history": AuditEvent.objects.filter(
            action=AuditEvent.Action.CHANGE, object_type="mentor", object_id=str(mentor.pk)
        ).select_related("school")[:history],
    }
