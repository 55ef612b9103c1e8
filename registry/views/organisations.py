"""Partner organisations and agreements, schools with their counts, curators."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import permissions
from core.decorators import editor_required, registry_user
from core.http import form_page, handle_form, perform
from core.selectors import municipality_of, school_for, school_of
from registry import selectors, services
from registry.forms import (
    AgreementForm,
    CuratorForm,
    MenteeRequestForm,
    PartnerForm,
    SchoolForm,
    SchoolYearStatsForm,
)
from registry.services import facts


@registry_user
def partner_list(request):
    return render(
        request,
        "registry/partners.html",
        {
            **selectors.partners_data(request.user),
            "can_add": permissions.can_edit_department(request.user),
        },
    )


@editor_required
def partner_create(request):
    form = PartnerForm(request.POST or None)

    def save():
        municipality = municipality_of(request.user)
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


@registry_user
def school_list(request):
    schools = selectors.schools_with_details(request.user)
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
    form = CuratorForm(request.POST or None, schools=selectors.school_choices(request.user))

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


# --- the municipality's list of mentees' requests ---------------------------------------------


@editor_required
def mentee_requests(request):
    """The list of requests mentees come with; staff add, rename and switch them off."""
    form = MenteeRequestForm(request.POST or None)
    return handle_form(
        request,
        form,
        lambda: facts.save_mentee_request(user=request.user, **form.cleaned_data),
        said=lambda saved: f"Запрос «{saved.name}» добавлен.",
        then=reverse("registry:mentee_requests"),
        page=lambda: render(
            request,
            "registry/mentee_requests.html",
            {"requests": selectors.mentee_requests_for(request.user), "form": form},
            status=422 if form.errors else 200,
        ),
    )


@editor_required
def mentee_request_edit(request, pk: int):
    item = selectors.mentee_request_for(request.user, pk)
    form = MenteeRequestForm(
        request.POST or None,
        initial={"name": item.name, "position": item.position, "is_active": item.is_active},
    )
    return handle_form(
        request,
        form,
        lambda: facts.save_mentee_request(user=request.user, request=item, **form.cleaned_data),
        said="Запрос сохранён.",
        then=reverse("registry:mentee_requests"),
        title=f"Запрос «{item.name}»",
        cancel=reverse("registry:mentee_requests"),
    )


@require_POST
@editor_required
def mentee_request_delete(request, pk: int):
    item = selectors.mentee_request_for(request.user, pk)
    return perform(
        request,
        lambda: facts.delete_mentee_request(user=request.user, request=item),
        success="Запрос удалён из списка.",
        back=reverse("registry:mentee_requests"),
    )


@require_POST
@editor_required
def mentee_requests_usual(request):
    return perform(
        request,
        lambda: facts.add_usual_requests(user=request.user),
        success="Обычные запросы добавлены в список.",
        back=reverse("registry:mentee_requests"),
    )
