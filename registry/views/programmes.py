"""Programmes (with the department's expert review) and pairs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import permissions
from core.decorators import registry_user
from core.http import handle_form
from core.links import link_to
from registry import selectors, services
from registry.filters import PairFilter, ProgrammeFilter
from registry.forms import (
    ConclusionFileForm,
    PairForm,
    PairProgrammeForm,
    PairStatusForm,
    ProgrammeForm,
    ProgrammeReviewForm,
)
from registry.services import facts
from registry.views.common import (
    Cell,
    list_page,
    school_from,
    stored_file,
    with_school_field,
)


@registry_user
def programme_list(request):
    programme_url = link_to("registry:programme")
    schools = selectors.school_filter_choices(request.user)
    filterset = ProgrammeFilter(
        request.GET or None, queryset=selectors.programmes_for(request.user), schools=schools
    )
    return list_page(
        request,
        title="Программы наставничества",
        filterset=filterset,
        entity="programmes",
        headers=["Наименование", "ОО", "Форма", "Срок", "Экспертиза"],
        row=lambda p: [
            Cell(p.title, programme_url(p.pk)),
            Cell(p.school.short_name),
            Cell(p.form.name),
            Cell(f"{p.starts_on:%d.%m.%Y} – {p.ends_on:%d.%m.%Y}"),
            Cell(p.get_review_status_display()),
        ],
        actions=[("Добавить программу", reverse("registry:programme_create"))],
    )


@registry_user
def programme_create(request):
    form = with_school_field(ProgrammeForm(request.POST or None), request.user)

    def save():
        data = {k: v for k, v in form.cleaned_data.items() if k != "school"}
        school = school_from(form, request.user)
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
                "pairs": selectors.programme_pairs(programme),
                "review_form": review_form,
                "can_review": permissions.can_review(request.user),
            },
            status=422 if review_form.errors else 200,
        ),
    )


@registry_user
def pair_list(request):
    pair_url = link_to("registry:pair")
    schools = selectors.school_filter_choices(request.user)
    queryset = selectors.pairs_with_mentee_names(request.user)
    filterset = PairFilter(request.GET or None, queryset=queryset, schools=schools)
    return list_page(
        request,
        title="Наставнические пары и группы",
        filterset=filterset,
        entity="pairs",
        headers=["Наставник", "Наставляемые", "Программа", "Начало", "Статус"],
        row=lambda p: [
            Cell(p.mentor.full_name, pair_url(p.pk)),
            Cell(", ".join(p.mentee_names)),
            Cell(f"{p.programme.title} ({p.programme.form})"),
            Cell(p.starts_on.strftime("%d.%m.%Y")),
            Cell(p.get_status_display()),
        ],
        actions=[("Сформировать пару или группу", reverse("registry:pair_create"))],
    )


@registry_user
def pair_create(request):
    """The programme first (a short list, not the municipality's people), then the mentor and
    mentees of its school, found by name on the server: the page works without JavaScript."""
    user = request.user
    chosen = request.POST.get("programme") or request.GET.get("programme")
    programme = selectors.pair_programme(user, chosen)
    if programme is None:
        step = PairProgrammeForm(
            request.GET if "programme" in request.GET else None,
            programmes=selectors.pair_programmes(user),
        )
        return render(
            request,
            "registry/pair_form.html",
            {"step": step, "cancel": reverse("registry:pairs")},
            status=400 if step.is_bound else 200,
        )
    mentors, mentees = selectors.pair_people(user, programme)
    initial = PairForm.initial_for(programme, timezone.localdate())
    searching = request.method == "POST" and "find" in request.POST
    form = PairForm(
        None if searching else (request.POST or None),
        mentors=mentors,
        mentees=mentees,
        initial=PairForm.typed(request.POST)
        if searching
        else {**initial, "q": request.GET.get("q", "")},
    )

    def save():
        data = form.cleaned_data
        return services.save_pair(
            user=user,
            programme=programme,
            mentor=data["mentor"],
            mentees=list(data["mentees"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            goals=data["goals"],
            activate=data["activate"],
        )

    def page():
        q = (request.POST if request.method == "POST" else request.GET).get("q", "")
        return render(
            request,
            "registry/pair_form.html",
            {
                "form": form,
                "programme": programme,
                "people": selectors.mentees_found(mentees, q, form.chosen_mentee_ids()),
                "cancel": reverse("registry:pairs"),
            },
            status=422 if form.errors else 200,
        )

    return handle_form(
        request,
        form,
        save,
        said="Пара (группа) сформирована.",
        then=lambda pair: reverse("registry:pair", args=[pair.pk]),
        page=page,
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


@registry_user
def conclusion_upload(request, pk: int):
    programme = selectors.programme_for(request.user, pk)
    if not permissions.can_review(request.user):
        raise PermissionDenied("Заключение экспертизы загружают сотрудники департамента.")
    form = ConclusionFileForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        lambda: facts.attach_conclusion(
            user=request.user, programme=programme, upload=form.cleaned_data["file"]
        ),
        said="Файл заключения загружен.",
        then=reverse("registry:programme", args=[programme.pk]),
        title=f"{programme.title}: файл заключения экспертизы",
        cancel=reverse("registry:programme", args=[programme.pk]),
    )


@require_safe
@registry_user
def conclusion_download(request, pk: int):
    conclusion = selectors.conclusion_for(request.user, pk)
    return stored_file(conclusion)
