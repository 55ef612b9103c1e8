"""Staff pages that change a roadmap: the editor (htmx rows), schools, approval, amendments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import department_required, editor_required, head_required
from core.http import confirm_then, errors_to_form, handle_form, is_htmx, perform
from core.selectors import municipality_of
from roadmap import confirmations, selectors, services
from roadmap.forms.editor import (
    AddSchoolForm,
    AmendmentForm,
    BindingForm,
    MeasureForm,
    RoadmapForm,
    SectionForm,
)


def _editor_context(roadmap) -> dict:
    """The editor page: its data, and the empty forms for a new section and an amendment."""
    context = selectors.editor_data(roadmap)
    context["section_form"] = SectionForm(initial={"number": str(len(context["sections"]) + 1)})
    context["amendment_form"] = AmendmentForm()
    return context


def _editor_url(roadmap_id: int, anchor: str = "") -> str:
    url = reverse("roadmap:editor", args=[roadmap_id])
    return f"{url}#{anchor}" if anchor else url


@editor_required
def roadmap_create(request):
    municipality = municipality_of(request.user)
    form = RoadmapForm(request.POST or None)
    if municipality is None:
        messages.error(request, "У вашей учётной записи не указан муниципалитет.")
        return redirect("roadmap:list")

    def save():
        return services.create_roadmap(
            user=request.user, municipality=municipality, **form.cleaned_data
        )

    def page():
        status = 422 if form.errors else 200
        return render(request, "roadmap/roadmap_form.html", {"form": form}, status=status)

    return handle_form(
        request,
        form,
        save,
        said="Дорожная карта создана. Добавьте разделы и мероприятия.",
        then=lambda roadmap: reverse("roadmap:editor", args=[roadmap.pk]),
        page=page,
    )


@editor_required
def roadmap_settings(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    form = RoadmapForm(request.POST or None, instance=roadmap if request.method != "POST" else None)

    def save():
        return services.update_roadmap(user=request.user, roadmap=roadmap, **form.cleaned_data)

    def page():
        status = 422 if form.errors else 200
        return render(
            request, "roadmap/roadmap_form.html", {"form": form, "roadmap": roadmap}, status=status
        )

    return handle_form(
        request,
        form,
        save,
        said="Сведения о дорожной карте сохранены; сроки пересчитаны.",
        then=reverse("roadmap:editor", args=[roadmap.pk]),
        page=page,
    )


@editor_required
def roadmap_editor(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    return render(request, "roadmap/editor.html", _editor_context(roadmap))


@require_GET
@department_required
def deadline_preview(request, pk: int):
    """What a typed deadline is read as, shown under the field while typing."""
    roadmap = selectors.roadmap_for(request.user, pk)
    deadline, read_as = selectors.read_deadline(roadmap, request.GET.get("deadline_text", "")[:255])
    return render(
        request, "roadmap/_deadline_preview.html", {"deadline": deadline, "read_as": read_as}
    )


# --- sections ---------------------------------------------------------------------------------


@require_POST
@editor_required
def section_create(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    form = SectionForm(request.POST)

    def save():
        return services.create_section(user=request.user, roadmap=roadmap, **form.cleaned_data)

    def page():
        context = _editor_context(roadmap)
        context["section_form"] = form
        return render(request, "roadmap/editor.html", context, status=422)

    return handle_form(
        request,
        form,
        save,
        said=lambda section: f"Раздел {section.number} добавлен.",
        then=lambda section: _editor_url(roadmap.pk, f"section-{section.pk}"),
        page=page,
    )


@editor_required
def section_edit(request, pk: int):
    section = selectors.section_for(request.user, pk)
    initial = {"number": section.number, "title": section.title}
    form = SectionForm(request.POST or None, initial=initial)
    template = "roadmap/_section_form_row.html" if is_htmx(request) else "roadmap/section_form.html"
    return handle_form(
        request,
        form,
        lambda: services.update_section(user=request.user, section=section, **form.cleaned_data),
        said="Раздел сохранён.",
        then=_editor_url(section.roadmap_id, f"section-{section.pk}"),
        page=lambda: render(
            request,
            template,
            {"form": form, "section": section},
            status=422 if form.errors else 200,
        ),
    )


@editor_required
def section_delete(request, pk: int):
    section = selectors.section_for(request.user, pk)
    if request.method == "POST":
        return perform(
            request,
            lambda: services.delete_section(user=request.user, section=section),
            success=f"Раздел {section.number} удалён.",
            back=_editor_url(section.roadmap_id, f"section-{section.pk}"),
            then=_editor_url(section.roadmap_id),
        )
    return render(
        request,
        "roadmap/confirm_delete.html",
        {
            "object_label": f"раздел {section.number} «{section.title}»",
            "details": (
                "Вместе с ним будут удалены мероприятия раздела "
                f"({selectors.measures_in(section)})."
            ),
            "cancel_url": _editor_url(section.roadmap_id, f"section-{section.pk}"),
        },
    )


@require_POST
@editor_required
def section_move(request, pk: int, direction: str):
    section = selectors.section_for(request.user, pk)
    return perform(
        request,
        lambda: services.move_section(user=request.user, section=section, direction=direction),
        success="Порядок разделов изменён.",
        back=_editor_url(section.roadmap_id, f"section-{section.pk}"),
    )


@require_POST
@editor_required
def renumber(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    return perform(
        request,
        lambda: services.renumber(user=request.user, roadmap=roadmap),
        success=lambda changed: f"Нумерация обновлена (изменено номеров: {changed}).",
        back=_editor_url(roadmap.pk),
    )


# --- measures ---------------------------------------------------------------------------------


def _render_measure_form(request, measure, form, *, section=None, conflict=None, status=200):
    section = section or measure.section
    roadmap = section.roadmap
    deadline, read_as = selectors.read_deadline(roadmap, form["deadline_text"].value() or "")
    context = {
        "form": form,
        "measure": measure,
        "section": section,
        "roadmap": roadmap,
        "conflict": conflict,
        "deadline": deadline,
        "read_as": read_as,
    }
    template = "roadmap/_measure_form_row.html" if is_htmx(request) else "roadmap/measure_form.html"
    return render(request, template, context, status=status)


def _section_added(request, section, measure) -> HttpResponse:
    """After an addition in place: the section again, the new measure in its place by number
    and marked, and an empty form for the next one under a short confirmation."""
    section = selectors.editor_section(section.pk)
    said = f"Мероприятие {measure.number} добавлено."
    context = {
        "section": section,
        "roadmap": section.roadmap,
        "editable": True,
        "added_pk": measure.pk,
        "said": said,
        "next_form": MeasureForm(initial={"number": selectors.next_measure_number(section)}),
    }
    response = render(request, "roadmap/_section_body.html", context)
    response["HX-Retarget"] = f"#section-{section.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


@editor_required
def measure_create(request, pk: int):
    section = selectors.section_for(request.user, pk)
    form = MeasureForm(
        request.POST or None, initial={"number": selectors.next_measure_number(section)}
    )
    if is_htmx(request) and request.method == "POST" and form.is_valid():
        try:
            measure = services.create_measure(user=request.user, section=section, **form.wording())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return _section_added(request, section, measure)

    return handle_form(
        request,
        form,
        lambda: services.create_measure(user=request.user, section=section, **form.wording()),
        said=lambda measure: f"Мероприятие {measure.number} добавлено.",
        then=lambda measure: _editor_url(section.roadmap_id, f"measure-{measure.pk}"),
        page=lambda: _render_measure_form(
            request, None, form, section=section, status=422 if form.errors else 200
        ),
    )


@editor_required
def measure_edit(request, pk: int):
    measure = selectors.measure_for(request.user, pk)
    if request.method != "POST":
        form = MeasureForm(initial=MeasureForm.initial_for(measure))
        return _render_measure_form(request, measure, form)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        return _render_measure_form(request, measure, form, status=422)
    try:
        saved = services.update_measure(
            user=request.user,
            measure_id=measure.pk,
            version=form.cleaned_data["version"] or 0,
            **form.wording(),
        )
    except services.ConflictError as conflict:
        form = MeasureForm.over_newer(conflict.measure, request.POST)
        return _render_measure_form(request, conflict.measure, form, conflict=conflict, status=409)
    except ValidationError as error:
        errors_to_form(form, error)
        return _render_measure_form(request, measure, form, status=422)
    if is_htmx(request):
        row = {"measure": selectors.editor_measure(saved.pk), "editable": True, "saved": True}
        return render(request, "roadmap/_measure_row.html", row)
    messages.success(request, f"Мероприятие {saved.number} сохранено.")
    return redirect(_editor_url(saved.section.roadmap_id, f"measure-{saved.pk}"))


@require_GET
@editor_required
def measure_row(request, pk: int):
    measure = selectors.measure_for(request.user, pk)
    row = {
        "measure": selectors.editor_measure(measure.pk),
        "editable": selectors.wording_editable(measure.section.roadmap),
    }
    return render(request, "roadmap/_measure_row.html", row)


@editor_required
def measure_delete(request, pk: int):
    measure = selectors.measure_for(request.user, pk)
    roadmap_id = measure.section.roadmap_id
    if request.method == "POST":
        return perform(
            request,
            lambda: services.delete_measure(user=request.user, measure=measure),
            success=f"Мероприятие {measure.number} удалено.",
            back=_editor_url(roadmap_id, f"measure-{measure.pk}"),
            then=_editor_url(roadmap_id),
        )
    return render(
        request,
        "roadmap/confirm_delete.html",
        {
            "object_label": f"мероприятие {measure.number} «{measure.title}»",
            "details": "Исполнения образовательных организаций по нему тоже будут удалены.",
            "cancel_url": _editor_url(roadmap_id, f"measure-{measure.pk}"),
        },
    )


@require_POST
@editor_required
def measure_move(request, pk: int, direction: str):
    measure = selectors.measure_for(request.user, pk)
    return perform(
        request,
        lambda: services.move_measure(user=request.user, measure=measure, direction=direction),
        success="Порядок мероприятий изменён.",
        back=_editor_url(measure.section.roadmap_id, f"measure-{measure.pk}"),
    )


# --- schools, approval, amendments, copy ------------------------------------------------------


@editor_required
def roadmap_schools(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    form = AddSchoolForm(request.POST or None, roadmap=roadmap)

    def save():
        school = form.cleaned_data["school"]
        return services.add_school(roadmap=roadmap, school=school, user=request.user)

    return handle_form(
        request,
        form,
        save,
        said=lambda participation: f"{participation.school} участвует в дорожной карте.",
        then=reverse("roadmap:schools", args=[roadmap.pk]),
        page=lambda: render(
            request,
            "roadmap/schools.html",
            {"roadmap": roadmap, "form": form, "rows": selectors.participation_rows(roadmap)},
            status=422 if form.errors else 200,
        ),
    )


@require_http_methods(["GET", "POST"])
@editor_required
def roadmap_school_remove(request, pk: int, school_id: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    school = selectors.participation_for(roadmap, school_id).school

    def said(kept: int) -> str:
        note = f" Сохранены исполнения с отчётами: {kept}." if kept else ""
        return f"{school} исключена из дорожной карты.{note}"

    return confirm_then(
        request,
        lambda: confirmations.exclusion(roadmap, school),
        lambda: services.remove_school(roadmap=roadmap, school=school, user=request.user),
        success=said,
    )


@require_http_methods(["GET", "POST"])
@head_required
def roadmap_approve(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    return confirm_then(
        request,
        lambda: confirmations.approval(roadmap),
        lambda: services.approve_roadmap(user=request.user, roadmap=roadmap),
        success="Дорожная карта утверждена; её текст закреплён.",
    )


@require_POST
@editor_required
def amendment_open(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    form = AmendmentForm(request.POST)

    def save():
        return services.open_amendment(user=request.user, roadmap=roadmap, **form.cleaned_data)

    def page():
        context = _editor_context(roadmap)
        context["amendment_form"] = form
        return render(request, "roadmap/editor.html", context, status=422)

    return handle_form(
        request,
        form,
        save,
        said=lambda amendment: f"{amendment} открыто: текст можно менять.",
        then=reverse("roadmap:editor", args=[roadmap.pk]),
        page=page,
    )


@require_POST
@editor_required
def amendment_close(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    amendment = services.open_amendment_of(roadmap)
    if amendment is not None:
        services.close_amendment(user=request.user, amendment=amendment)
        messages.success(request, f"{amendment} завершено; текст снова закреплён.")
    return redirect("roadmap:editor", pk=roadmap.pk)


@require_http_methods(["GET", "POST"])
@editor_required
def roadmap_copy(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    return confirm_then(
        request,
        lambda: confirmations.copy(roadmap),
        lambda: services.copy_roadmap(user=request.user, roadmap=roadmap),
        success=lambda copy: (
            f"Создана дорожная карта на {copy.school_year} учебный год; прежняя перенесена в архив."
        ),
        then=lambda copy: reverse("roadmap:editor", args=[copy.pk]),
    )


@editor_required
def measure_binding(request, pk: int):
    """Bind a measure to a figure of the registry with a condition, or remove the binding."""
    measure = selectors.measure_for(request.user, pk)
    binding = selectors.binding_for(measure)
    form = BindingForm(request.POST or None, initial=BindingForm.initial_for(binding))
    back = reverse("roadmap:measure", args=[measure.pk])
    return handle_form(
        request,
        form,
        lambda: services.set_binding(user=request.user, measure=measure, **form.cleaned_data),
        said=lambda bound: (
            "Мероприятие связано с показателем из системы."
            if bound
            else "Связь с показателем из системы снята."
        ),
        then=back,
        title=f"Подтверждение из системы: мероприятие {measure.number}",
        cancel=back,
    )
