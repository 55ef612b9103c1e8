"""Registry pages: lists with filters, forms, details; curators act for their school only."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms as djforms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core import permissions
from core.audit import audit
from core.decorators import editor_required, registry_user
from core.http import errors_to_form, form_page, handle_form, perform
from core.models import AuditEvent
from core.selectors import municipalities_for, school_for, school_of, schools_for
from registry import selectors, services
from registry.filters import MenteeFilter, MentorFilter, PairFilter, ProgrammeFilter
from registry.forms import (
    AgreementForm,
    ConsentForm,
    CuratorForm,
    LinkDecisionForm,
    MenteeForm,
    MentorForm,
    MentorIdentityForm,
    PairForm,
    PairStatusForm,
    PartnerForm,
    ProgrammeForm,
    ProgrammeReviewForm,
    SchoolForm,
    SchoolYearStatsForm,
    WithdrawConsentForm,
)
from registry.models import Mentor, MentorLinkRequest

PAGE_SIZE = 50
HISTORY_SIZE = 20


@dataclass
class Cell:
    text: object
    url: str = ""


def _is_curator(user) -> bool:
    return permissions.is_curator(user)


def _school_choices(user):
    """The schools a form may offer: the curator's own, or the municipality's for staff."""
    return schools_for(user).filter(is_active=True)


def _with_school_field(form, user, initial=None):
    """Staff choose the school; a curator's school is fixed and never read from the post."""
    if not _is_curator(user):
        form.fields["school"] = djforms.ModelChoiceField(
            label="ОО", queryset=_school_choices(user), initial=initial
        )
        form.order_fields(["school"])
    return form


def _school_from(form, user):
    return school_of(user) if _is_curator(user) else form.cleaned_data["school"]


def _page(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _list(request, *, title, filterset, headers, row, actions=(), entity=""):
    page = _page(request, filterset.qs)
    return render(
        request,
        "registry/list.html",
        {
            "title": title,
            "filter": filterset,
            "page": page,
            "headers": headers,
            "rows": [row(obj) for obj in page.object_list],
            "actions": actions,
            "entity": entity,
            "query": _query_without(request, "page"),
            "can_edit": permissions.can_change_registry(request.user),
        },
    )


# --- mentees ---------------------------------------------------------------------------------


@registry_user
def mentee_list(request):
    schools = None if _is_curator(request.user) else _school_choices(request.user)
    filterset = MenteeFilter(
        request.GET or None, queryset=selectors.mentees_for(request.user), schools=schools
    )
    return _list(
        request,
        title="Наставляемые",
        filterset=filterset,
        entity="mentees",
        headers=["ФИО", "Дата рождения", "ОО", "Класс / должность", "Кто"],
        row=lambda m: [
            Cell(m.full_name, reverse("registry:mentee", args=[m.pk])),
            Cell(m.birth_date.strftime("%d.%m.%Y")),
            Cell(m.school.short_name),
            Cell(m.class_name or m.position),
            Cell(m.get_kind_display()),
        ],
        actions=[("Добавить наставляемого", reverse("registry:mentee_create"))],
    )


@dataclass
class DuplicateNotice:
    """The box under a create form when the person is already in the registry. Who the
    person is and where they are is shown only to those who may see the record; the link
    form carries what the user typed, never the stored record."""

    visible: bool
    name: str = ""
    birth_date: object = None
    where: str = ""
    url: str = ""
    link: dict | None = None
    link_label: str = ""


def _duplicate_notice(user, error: services.DuplicatePerson, form) -> DuplicateNotice:
    existing = error.existing
    is_mentor = isinstance(existing, Mentor)
    notice = DuplicateNotice(visible=error.visible)
    if error.visible:
        schools = list(existing.schools.all()) if is_mentor else [existing.school]
        notice.name = existing.full_name
        notice.birth_date = existing.birth_date
        notice.where = ", ".join(s.short_name for s in schools) or "без ОО"
        notice.url = reverse(
            "registry:mentor" if is_mentor else "registry:mentee", args=[existing.pk]
        )
    if not is_mentor:
        return notice
    typed = {k: form.cleaned_data.get(k) or "" for k in ("last_name", "first_name", "patronymic")}
    typed["birth_date"] = form.cleaned_data["birth_date"].strftime("%d.%m.%Y")
    if _is_curator(user):
        if not error.visible:  # not yet at the curator's school: ask, never take
            notice.link = typed
            notice.link_label = "Отправить запрос на связь с моей ОО"
    elif permissions.can_edit_department(user):
        school = form.cleaned_data.get("school")
        if school is not None and not existing.schools.filter(pk=school.pk).exists():
            notice.link = {**typed, "school": school.pk}
            notice.link_label = f"Связать наставника с ОО «{school.short_name}»"
    return notice


def _create_person(request, form, save, *, title, cancel, detail, said):
    """The create page of a mentee or mentor: a twin in the registry is offered, not copied."""
    duplicate = None

    def refused(error):
        nonlocal duplicate
        if isinstance(error, services.DuplicatePerson):
            duplicate = _duplicate_notice(request.user, error, form)
            form.add_error(None, error.messages)
        else:
            errors_to_form(form, error)

    def create():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"school", "partner"}}
        return save(_school_from(form, request.user), data)

    return handle_form(
        request,
        form,
        create,
        said=said,
        then=lambda person: reverse(detail, args=[person.pk]),
        on_refusal=refused,
        page=lambda: form_page(request, form, title=title, cancel=cancel, duplicate=duplicate),
    )


@registry_user
def mentee_create(request):
    form = _with_school_field(MenteeForm(request.POST or None), request.user)
    return _create_person(
        request,
        form,
        lambda school, data: services.save_mentee(user=request.user, school=school, **data),
        title="Новый наставляемый",
        cancel=reverse("registry:mentees"),
        detail="registry:mentee",
        said=lambda mentee: f"{mentee.full_name} внесён(а) в реестр.",
    )


@registry_user
def mentee_edit(request, pk: int):
    mentee = selectors.mentee_for(request.user, pk)
    title = mentee.full_name  # as stored: a refused change leaves the record as it was
    form = _with_school_field(
        MenteeForm(request.POST or None, instance=mentee if request.method != "POST" else None),
        request.user,
        initial=mentee.school,
    )

    def save():
        data = {k: v for k, v in form.cleaned_data.items() if k != "school"}
        school = _school_from(form, request.user)
        return services.save_mentee(user=request.user, school=school, mentee=mentee, **data)

    return handle_form(
        request,
        form,
        save,
        said="Сведения сохранены.",
        then=reverse("registry:mentee", args=[mentee.pk]),
        title=title,
        cancel=reverse("registry:mentee", args=[pk]),
    )


@require_safe
@registry_user
def mentee_detail(request, pk: int):
    mentee = selectors.mentee_for(request.user, pk)
    audit(request, AuditEvent.Action.VIEW, "mentee", mentee.pk, school=mentee.school)
    today = timezone.localdate()
    consents = list(mentee.consents.select_related("recorded_by", "withdrawal_recorded_by"))
    return render(
        request,
        "registry/mentee_detail.html",
        {
            "mentee": mentee,
            "age": mentee.age_on(today),
            "minor": services.needs_consent(mentee, today),
            "current_consent": next((c for c in consents if c.is_valid_on(today)), None),
            "consents": consents,
            "pairs": mentee.pairs.select_related("mentor", "programme__form"),
            "consent_form": ConsentForm(),
            "withdraw_form": WithdrawConsentForm(initial={"withdrawn_on": today}),
        },
    )


@require_POST
@registry_user
def consent_create(request, pk: int):
    mentee = selectors.mentee_for(request.user, pk)
    form = ConsentForm(request.POST, request.FILES)
    back = reverse("registry:mentee", args=[pk])

    def record():
        data = {k: v for k, v in form.cleaned_data.items() if k != "scan"}
        scan = form.cleaned_data.get("scan")
        return services.record_consent(user=request.user, mentee=mentee, scan=scan, **data)

    return handle_form(
        request,
        form,
        record,
        said="Согласие законного представителя внесено.",
        then=back,
        title=f"Согласие: {mentee.full_name}",
        cancel=back,
        multipart=True,
    )


@require_POST
@registry_user
def consent_withdraw(request, pk: int):
    consent = selectors.consent_for(request.user, pk)
    form = WithdrawConsentForm(request.POST)
    back = reverse("registry:mentee", args=[consent.mentee_id])
    if not form.is_valid():
        return form_page(request, form, title="Отзыв согласия", cancel=back)
    return perform(
        request,
        lambda: services.withdraw_consent(
            user=request.user, consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"]
        ),
        success=lambda ended: (
            "Отзыв согласия записан." + (f" Прекращено действующих пар: {ended}." if ended else "")
        ),
        back=back,
    )


@require_safe
@registry_user
def consent_scan(request, pk: int):
    consent = selectors.consent_for(request.user, pk)
    if not consent.scan:
        raise Http404("Скан не загружен.")
    audit(request, AuditEvent.Action.DOWNLOAD, "consent", consent.pk, school=consent.mentee.school)
    try:
        handle = consent.scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Файл не найден в хранилище.") from exc
    return FileResponse(handle, as_attachment=True, filename=consent.scan_name or "согласие")


# --- mentors ---------------------------------------------------------------------------------


@registry_user
def mentor_list(request):
    schools = None if _is_curator(request.user) else _school_choices(request.user)
    queryset = selectors.mentors_for(request.user).prefetch_related("schools")
    filterset = MentorFilter(request.GET or None, queryset=queryset, schools=schools)
    return _list(
        request,
        title="Наставники",
        filterset=filterset,
        entity="mentors",
        headers=["ФИО", "Дата рождения", "Кто", "ОО / организация", "Должность или класс"],
        row=lambda m: [
            Cell(m.full_name, reverse("registry:mentor", args=[m.pk])),
            Cell(m.birth_date.strftime("%d.%m.%Y")),
            Cell(m.get_kind_display()),
            Cell(
                ", ".join(s.short_name for s in m.schools.all())
                or (m.partner.name if m.partner else "")
            ),
            Cell(m.position),
        ],
        actions=[("Добавить наставника", reverse("registry:mentor_create"))],
    )


@registry_user
def mentor_create(request):
    partners = selectors.partners_for(request.user)
    form = _with_school_field(MentorForm(request.POST or None, partners=partners), request.user)
    return _create_person(
        request,
        form,
        lambda school, data: services.save_mentor(
            user=request.user, school=school, partner=form.cleaned_data.get("partner"), **data
        ),
        title="Новый наставник",
        cancel=reverse("registry:mentors"),
        detail="registry:mentor",
        said=lambda mentor: f"{mentor.full_name} внесён(а) в реестр наставников.",
    )


@registry_user
def mentor_edit(request, pk: int):
    mentor = selectors.mentor_for(request.user, pk)
    title = mentor.full_name  # as stored: a refused change leaves the record as it was
    partners = selectors.partners_for(request.user)
    form = MentorForm(
        request.POST or None,
        instance=mentor if request.method != "POST" else None,
        partners=partners,
    )

    def save():
        data = {k: v for k, v in form.cleaned_data.items() if k != "partner"}
        partner = form.cleaned_data.get("partner")
        return services.save_mentor(
            user=request.user, school=None, mentor=mentor, partner=partner, **data
        )

    return handle_form(
        request,
        form,
        save,
        said="Сведения сохранены.",
        then=reverse("registry:mentor", args=[mentor.pk]),
        title=title,
        cancel=reverse("registry:mentor", args=[pk]),
    )


@require_POST
@registry_user
def mentor_link(request):
    """A mentor already in the municipality's registry, for a second school.

    The mentor is found by the full name and date of birth the user typed, never by an id,
    so that no other school's mentor can be reached by guessing numbers. A curator's post
    sends a link request (and says only that); the department links directly.
    """
    user = request.user
    department = permissions.can_edit_department(user)
    school = None if department else school_of(user)
    if not department and school is None:
        raise PermissionDenied("Связать наставника с ОО может куратор ОО или департамент.")
    form = MentorIdentityForm(request.POST, schools=_school_choices(user) if department else None)
    if not form.is_valid():
        return form_page(
            request, form, title="Связать наставника с ОО", cancel=reverse("registry:mentors")
        )
    school = form.cleaned_data["school"] if department else school
    mentor = services.find_same_person(Mentor, municipality=school.municipality, **form.identity())
    if mentor is None:
        raise Http404("Такого наставника в реестре муниципалитета нет.")
    if department:
        return perform(
            request,
            lambda: services.link_mentor_to_school(user=user, mentor=mentor, school=school),
            success=f"{mentor.full_name} связан(а) с ОО «{school.short_name}».",
            back=reverse("registry:mentor", args=[mentor.pk]),
        )
    typed = services.identity_label(**form.identity())

    def said(outcome) -> str:
        if outcome.linked:
            return f"{typed}: наставник уже связан с вашей ОО."
        if outcome.waiting:
            return f"Запрос на связь с наставником {typed} уже отправлен и ожидает решения."
        return (
            f"Запрос на связь с наставником {typed} отправлен. Наставник появится в списке "
            "вашей ОО, когда запрос подтвердит департамент образования или ОО, где он уже "
            "числится."
        )

    return perform(
        request,
        lambda: services.request_mentor_links(
            user=user, school=school, wanted=[(mentor, typed)], source="форма «Связать с ОО»"
        ),
        success=said,
        back=reverse("registry:mentors"),
        then=lambda outcome: (
            reverse("registry:mentor", args=[mentor.pk])
            if outcome.linked
            else reverse("registry:link_requests")
        ),
    )


@require_safe
@registry_user
def mentor_detail(request, pk: int):
    mentor = selectors.mentor_for(request.user, pk)
    audit(request, AuditEvent.Action.VIEW, "mentor", mentor.pk)
    pairs = selectors.pairs_for(request.user).filter(mentor=mentor).prefetch_related("mentees")
    history = AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGE, object_type="mentor", object_id=str(mentor.pk)
    ).select_related("school")[:HISTORY_SIZE]
    return render(
        request,
        "registry/mentor_detail.html",
        {
            "mentor": mentor,
            "schools": mentor.schools.all(),
            "pairs": pairs,
            "load": selectors.mentor_load([mentor.pk]).get(mentor.pk, 0),
            "history": history,
        },
    )


# --- requests to link a mentor to a second school ------------------------------------------------

DECIDED_SHOWN = 50


def _request_view(user, link_request, *, decides: bool) -> dict:
    """One request as the user may see it. The asking school reads only what it typed, the
    state and the decision's comment; those who decide see the mentor and who asks."""
    department = permissions.is_department(user)
    own = school_of(user)
    asked_by_us = own is not None and link_request.school_id == own.pk
    approved = link_request.state == MentorLinkRequest.State.APPROVED
    shows_mentor = not asked_by_us or approved
    return {
        "request": link_request,
        "url": reverse("registry:link_request", args=[link_request.pk]),
        "mentor_url": (
            reverse("registry:mentor", args=[link_request.mentor_id]) if shows_mentor else ""
        ),
        "mentor_name": (
            link_request.mentor.full_name if shows_mentor else link_request.requested_as
        ),
        "requested_as": link_request.requested_as,
        "requested_by": link_request.requested_by.get_full_name()
        or link_request.requested_by.username
        if department
        else "",
        "decided_by": (link_request.decided_by.get_full_name() or link_request.decided_by.username)
        if department and link_request.decided_by
        else "",
        "decides": decides and link_request.is_pending,
    }


@require_safe
@registry_user
def link_request_list(request):
    """Pending requests for those who decide them (with a count in the menu), the school's
    own requests for a curator, and the latest decisions."""
    user = request.user
    own = school_of(user)
    visible = selectors.link_requests_for(user)
    incoming = visible.exclude(school=own) if own else visible
    decides = permissions.can_edit_department(user) or own is not None
    page = _page(
        request,
        incoming.filter(state=MentorLinkRequest.State.PENDING).order_by("requested_at", "id"),
    )
    decided = incoming.exclude(state=MentorLinkRequest.State.PENDING).order_by(
        "-decided_at", "-id"
    )[:DECIDED_SHOWN]
    ours = (
        visible.filter(school=own).order_by("-requested_at", "-id")[:DECIDED_SHOWN] if own else []
    )
    return render(
        request,
        "registry/link_requests.html",
        {
            "page": page,
            "pending": [_request_view(user, r, decides=decides) for r in page.object_list],
            "decided": [_request_view(user, r, decides=False) for r in decided],
            "ours": [_request_view(user, r, decides=False) for r in ours],
            "is_curator": own is not None,
            "decided_shown": DECIDED_SHOWN,
        },
    )


@registry_user
def link_request_detail(request, pk: int):
    """A request; those who may decide approve or reject it here."""
    link_request = selectors.link_request_for(request.user, pk)
    may_decide = services.may_decide_link_request(request.user, link_request)
    form = LinkDecisionForm(request.POST or None)
    if request.method == "POST" and not may_decide:
        raise PermissionDenied(
            "Запрос рассматривает департамент образования или ОО, где наставник уже числится."
        )

    def decide():
        return services.decide_link_request(
            user=request.user,
            link_request=link_request,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )

    def page():
        status = 200
        if request.method == "POST":
            # a request decided meanwhile is a conflict; a missing reason, the form's error
            refused_outright = bool(form.non_field_errors()) and set(form.errors) == {"__all__"}
            status = 409 if refused_outright else 422
            link_request.refresh_from_db()
        return render(
            request,
            "registry/link_request.html",
            {
                "item": _request_view(request.user, link_request, decides=may_decide),
                "form": form,
            },
            status=status,
        )

    return handle_form(
        request,
        form,
        decide,
        said=lambda decided: (
            f"Запрос № {decided.pk} {decided.get_state_display()}"
            + (
                ": наставник связан с ОО-заявителем."
                if decided.state == MentorLinkRequest.State.APPROVED
                else "."
            )
        ),
        then=reverse("registry:link_requests"),
        page=page,
    )


# --- programmes ------------------------------------------------------------------------------


@registry_user
def programme_list(request):
    schools = None if _is_curator(request.user) else _school_choices(request.user)
    filterset = ProgrammeFilter(
        request.GET or None, queryset=selectors.programmes_for(request.user), schools=schools
    )
    return _list(
        request,
        title="Программы наставничества",
        filterset=filterset,
        entity="programmes",
        headers=["Наименование", "ОО", "Форма", "Срок", "Экспертиза"],
        row=lambda p: [
            Cell(p.title, reverse("registry:programme", args=[p.pk])),
            Cell(p.school.short_name),
            Cell(p.form.name),
            Cell(f"{p.starts_on:%d.%m.%Y} – {p.ends_on:%d.%m.%Y}"),
            Cell(p.get_review_status_display()),
        ],
        actions=[("Добавить программу", reverse("registry:programme_create"))],
    )


@registry_user
def programme_create(request):
    form = _with_school_field(ProgrammeForm(request.POST or None), request.user)

    def save():
        data = {k: v for k, v in form.cleaned_data.items() if k != "school"}
        school = _school_from(form, request.user)
        return services.save_programme(user=request.user, school=school, **data)

    return handle_form(
        request,
        form,
        save,
        said="Программа добавлена.",
        then=lambda programme: reverse("registry:programme", args=[programme.pk]),
        title="Новая программа наставничества",
        cancel=reverse("registry:programmes"),
    )


@registry_user
def programme_detail(request, pk: int):
    programme = selectors.programme_for(request.user, pk)
    review_form = ProgrammeReviewForm(request.POST or None, instance=programme)
    if request.method == "POST" and not permissions.can_review(request.user):
        raise PermissionDenied("Экспертизу программ отмечают сотрудники департамента.")

    def review():
        data = review_form.cleaned_data
        return services.review_programme(
            user=request.user,
            programme=programme,
            status=data["review_status"],
            reviewer=data["reviewer"],
            conclusion=data["review_conclusion"],
            reviewed_on=data["reviewed_on"],
        )

    return handle_form(
        request,
        review_form,
        review,
        said="Результат экспертизы сохранён.",
        then=reverse("registry:programme", args=[programme.pk]),
        page=lambda: render(
            request,
            "registry/programme_detail.html",
            {
                "programme": programme,
                "pairs": programme.pairs.select_related("mentor").prefetch_related("mentees"),
                "review_form": review_form,
                "can_review": permissions.can_review(request.user),
            },
            status=422 if review_form.errors else 200,
        ),
    )


# --- pairs -----------------------------------------------------------------------------------


@registry_user
def pair_list(request):
    schools = None if _is_curator(request.user) else _school_choices(request.user)
    queryset = selectors.pairs_for(request.user).prefetch_related("mentees")
    filterset = PairFilter(request.GET or None, queryset=queryset, schools=schools)
    return _list(
        request,
        title="Наставнические пары и группы",
        filterset=filterset,
        entity="pairs",
        headers=["Наставник", "Наставляемые", "Программа", "Начало", "Статус"],
        row=lambda p: [
            Cell(p.mentor.full_name, reverse("registry:pair", args=[p.pk])),
            Cell(", ".join(m.full_name for m in p.mentees.all())),
            Cell(f"{p.programme.title} ({p.programme.form})"),
            Cell(p.starts_on.strftime("%d.%m.%Y")),
            Cell(p.get_status_display()),
        ],
        actions=[("Сформировать пару или группу", reverse("registry:pair_create"))],
    )


def _pair_form(request, data=None, initial=None):
    user = request.user
    return PairForm(
        data,
        initial=initial,
        programmes=selectors.programmes_for(user),
        mentors=selectors.mentors_for(user),
        mentees=selectors.mentees_for(user),
    )


@registry_user
def pair_create(request):
    form = _pair_form(request, request.POST or None, initial={"starts_on": timezone.localdate()})

    def save():
        data = form.cleaned_data
        return services.save_pair(
            user=request.user,
            programme=data["programme"],
            mentor=data["mentor"],
            mentees=list(data["mentees"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            goals=data["goals"],
            activate=data["activate"],
        )

    return handle_form(
        request,
        form,
        save,
        said="Пара (группа) сформирована.",
        then=lambda pair: reverse("registry:pair", args=[pair.pk]),
        page=lambda: form_page(
            request,
            form,
            title="Новая наставническая пара или группа",
            cancel=reverse("registry:pairs"),
        ),
    )


@registry_user
def pair_detail(request, pk: int):
    pair = selectors.pair_for(request.user, pk)
    form = PairStatusForm(request.POST or None)

    def save():
        data = form.cleaned_data
        return services.change_pair_status(
            user=request.user,
            pair=pair,
            status=data["status"],
            reason=data["reason"],
            result=data["result"],
        )

    return handle_form(
        request,
        form,
        save,
        said="Статус пары изменён.",
        then=reverse("registry:pair", args=[pair.pk]),
        page=lambda: render(
            request,
            "registry/pair_detail.html",
            {"pair": pair, "mentees": pair.mentees.all(), "form": form},
            status=422 if form.errors else 200,
        ),
    )


# --- partners and agreements -----------------------------------------------------------------


@registry_user
def partner_list(request):
    partners = selectors.partners_for(request.user).order_by("name")
    return render(
        request,
        "registry/partners.html",
        {
            "partners": partners,
            "agreements": selectors.agreements_for(request.user).order_by("-date"),
            "can_add": permissions.can_edit_department(request.user),
        },
    )


@editor_required
def partner_create(request):
    form = PartnerForm(request.POST or None)

    def save():
        municipality = municipalities_for(request.user).first()
        return services.save_partner(
            user=request.user, municipality=municipality, **form.cleaned_data
        )

    return handle_form(
        request,
        form,
        save,
        said="Организация-партнёр добавлена.",
        then=reverse("registry:partners"),
        page=lambda: form_page(
            request, form, title="Новая организация-партнёр", cancel=reverse("registry:partners")
        ),
    )


@registry_user
def agreement_create(request, pk: int):
    partner = selectors.partner_for(request.user, pk)
    form = AgreementForm(request.POST or None)

    def save():
        school = school_of(request.user)
        return services.save_agreement(
            user=request.user, partner=partner, school=school, **form.cleaned_data
        )

    return handle_form(
        request,
        form,
        save,
        said=lambda agreement: f"{agreement} внесено.",
        then=reverse("registry:partners"),
        page=lambda: form_page(
            request,
            form,
            title=f"Соглашение с «{partner.name}»",
            cancel=reverse("registry:partners"),
        ),
    )


# --- schools and curators --------------------------------------------------------------------


@registry_user
def school_list(request):
    schools = schools_for(request.user).prefetch_related("year_stats", "profiles__user")
    return render(request, "registry/schools.html", {"schools": schools})


@editor_required
def school_edit(request, pk: int):
    school = school_for(request.user, pk)
    form = SchoolForm(request.POST or None, instance=school)
    stats_form = SchoolYearStatsForm(prefix="stats")
    return handle_form(
        request,
        form,
        lambda: services.save_school(user=request.user, school=school, **form.cleaned_data),
        said="Сведения об ОО сохранены.",
        then="registry:schools",
        page=lambda: render(
            request,
            "registry/school_form.html",
            {
                "form": form,
                "school": school,
                "stats_form": stats_form,
                "stats": school.year_stats.all(),
            },
            status=422 if form.errors else 200,
        ),
    )


@require_POST
@editor_required
def school_stats(request, pk: int):
    school = school_for(request.user, pk)
    form = SchoolYearStatsForm(request.POST, prefix="stats")

    def save():
        return services.save_year_stats(user=request.user, school=school, **form.cleaned_data)

    return handle_form(
        request,
        form,
        save,
        said="Численность сохранена.",
        then=reverse("registry:school_edit", args=[school.pk]),
        page=lambda: render(
            request,
            "registry/school_form.html",
            {
                "form": SchoolForm(instance=school),
                "school": school,
                "stats_form": form,
                "stats": school.year_stats.all(),
            },
            status=422,
        ),
    )


@editor_required
def curator_create(request):
    form = CuratorForm(request.POST or None, schools=_school_choices(request.user))

    def save():
        return services.appoint_curator(user=request.user, **form.cleaned_data)

    return handle_form(
        request,
        form,
        save,
        said=lambda curator: (
            f"{curator.get_full_name()} назначен(а) куратором; имя для входа: "
            f"{curator.username}. При первом входе куратор заменит начальный пароль "
            "собственным."
        ),
        then=reverse("registry:schools"),
        page=lambda: form_page(
            request, form, title="Назначить куратора ОО", cancel=reverse("registry:schools")
        ),
    )
