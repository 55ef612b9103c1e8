"""Mentees with their consents, and mentors (a twin in the registry is offered, not copied)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import permissions
from core.audit import audit
from core.decorators import registry_user
from core.http import confirm_then, errors_to_form, form_page, handle_form, perform
from core.links import link_to
from core.models import AuditEvent
from core.selectors import school_of
from registry import confirmations, selectors, services
from registry.filters import MenteeFilter, MentorFilter
from registry.forms import (
    ConsentForm,
    MenteeForm,
    MentorForm,
    MentorIdentityForm,
    TrainingForm,
    WithdrawConsentForm,
)
from registry.models import Mentor
from registry.services import facts
from registry.views.common import (
    HISTORY_SIZE,
    Cell,
    list_page,
    school_from,
    stored_file,
    with_school_field,
)


@registry_user
def mentee_list(request):
    mentee_url = link_to("registry:mentee")
    schools = selectors.school_filter_choices(request.user)
    filterset = MenteeFilter(
        request.GET or None, queryset=selectors.mentees_for(request.user), schools=schools
    )
    return list_page(
        request,
        title="Наставляемые",
        filterset=filterset,
        entity="mentees",
        headers=["ФИО", "Дата рождения", "ОО", "Класс / должность", "Кто"],
        row=lambda m: [
            Cell(m.full_name, mentee_url(m.pk)),
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
    if permissions.is_curator(user):
        if not error.visible:  # not yet at the curator's school: ask, never take
            notice.link = typed
            notice.link_label = "Отправить запрос на связь с моей ОО"
    elif permissions.can_edit_department(user):
        school = form.cleaned_data.get("school")
        if school is not None and not selectors.works_at(existing, school):
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
        return save(school_from(form, request.user), data)

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
    form = with_school_field(
        MenteeForm(request.POST or None, requests=selectors.mentee_request_choices(request.user)),
        request.user,
    )
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
    form = with_school_field(
        MenteeForm(
            request.POST or None,
            instance=mentee if request.method != "POST" else None,
            requests=selectors.mentee_request_choices(request.user, mentee),
        ),
        request.user,
        initial=mentee.school,
    )

    def save():
        data = {k: v for k, v in form.cleaned_data.items() if k != "school"}
        school = school_from(form, request.user)
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
    consents = selectors.mentee_consents(mentee)
    return render(
        request,
        "registry/mentee_detail.html",
        {
            "mentee": mentee,
            "age": mentee.age_on(today),
            "minor": services.needs_consent(mentee, today),
            "current_consent": services.current_consent(mentee, today),
            "consents": selectors.consent_rows(consents, today),
            "pairs": selectors.mentee_pairs(mentee),
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
        said=lambda consent: services.recorded_notice(consent, timezone.localdate()),
        then=back,
        title=f"Согласие: {mentee.full_name}",
        cancel=back,
        multipart=True,
    )


@require_http_methods(["GET", "POST"])
@registry_user
def consent_withdraw(request, pk: int):
    consent = selectors.consent_for(request.user, pk)
    asked = request.POST if request.method == "POST" else request.GET
    form = WithdrawConsentForm(
        {"withdrawn_on": asked.get("withdrawn_on") or f"{timezone.localdate():%d.%m.%Y}"}
    )
    back = reverse("registry:mentee", args=[consent.mentee_id])
    if not form.is_valid():
        return form_page(request, form, title="Отзыв согласия", cancel=back)
    withdrawn_on = form.cleaned_data["withdrawn_on"]
    return confirm_then(
        request,
        lambda: confirmations.withdrawal(consent, withdrawn_on),
        lambda: services.withdraw_consent(
            user=request.user, consent=consent, withdrawn_on=withdrawn_on
        ),
        success=lambda ended: (
            "Отзыв согласия записан." + (f" Прекращено действующих пар: {ended}." if ended else "")
        ),
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


@registry_user
def mentor_list(request):
    mentor_url = link_to("registry:mentor")
    schools = selectors.school_filter_choices(request.user)
    queryset = selectors.mentors_with_schools(request.user)
    filterset = MentorFilter(request.GET or None, queryset=queryset, schools=schools)
    return list_page(
        request,
        title="Наставники",
        filterset=filterset,
        entity="mentors",
        headers=["ФИО", "Дата рождения", "Кто", "ОО / организация", "Должность или класс"],
        row=lambda m: [
            Cell(m.full_name, mentor_url(m.pk)),
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
    form = with_school_field(MentorForm(request.POST or None, partners=partners), request.user)
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
    form = MentorIdentityForm(
        request.POST, schools=selectors.school_choices(user) if department else None
    )
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
    return render(
        request,
        "registry/mentor_detail.html",
        {
            **selectors.mentor_data(mentor, request.user, history=HISTORY_SIZE),
            "can_keep_training": permissions.can_change_registry(request.user)
            and services.may_edit_mentor(request.user, mentor),
        },
    )


# --- mentors' training ----------------------------------------------------------------------


@registry_user
def training_add(request, pk: int):
    mentor = selectors.mentor_for(request.user, pk)
    if not services.may_edit_mentor(request.user, mentor):
        raise PermissionDenied("Обучение наставника вносят сотрудники и куратор его ОО.")
    form = TrainingForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        lambda: facts.add_training(user=request.user, mentor=mentor, **form.cleaned_data),
        said="Обучение записано.",
        then=reverse("registry:mentor", args=[mentor.pk]),
        title=f"{mentor.full_name}: обучение",
        cancel=reverse("registry:mentor", args=[mentor.pk]),
    )


@require_POST
@registry_user
def training_delete(request, pk: int):
    training = selectors.training_for(request.user, pk)
    return perform(
        request,
        lambda: facts.delete_training(user=request.user, training=training),
        success="Запись об обучении удалена.",
        back=reverse("registry:mentor", args=[training.mentor_id]),
    )


@require_safe
@registry_user
def training_certificate(request, pk: int):
    training = selectors.training_for(request.user, pk)
    if not training.file:
        raise Http404("Файл не загружен.")
    audit(request, AuditEvent.Action.DOWNLOAD, "mentor", training.mentor_id)
    return stored_file(training)
