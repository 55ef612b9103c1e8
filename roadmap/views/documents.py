"""The order with its appendix as files (PDF, DOCX, XLSX, JSON), the execution report, and
a roadmap imported from a DOCX or XLSX table."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.decorators import department_required, editor_required
from core.files import PDF
from core.http import attachment, bad_file_query, handle_form
from core.selectors import municipality_of
from roadmap import selectors
from roadmap.documents import importer
from roadmap.documents.pdf import report_pdf
from roadmap.exports import EXPORTERS, file_name
from roadmap.forms.documents import DraftForm, ReportForm, RoadmapImportForm


@require_safe
@department_required
def document(request, pk: int, fmt: str):
    roadmap = selectors.roadmap_for(request.user, pk)
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise Http404("Нет такого формата.")
    return attachment(
        exporter.render(roadmap), file_name(roadmap, exporter.extension), exporter.content_type
    )


@require_safe
@department_required
def execution_report(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    form = ReportForm(request.GET or None)
    if request.GET and not form.is_valid():
        return bad_file_query(form, "Отчёт не построен.", "Нужна дата в формате ДД.ММ.ГГГГ.")
    as_of = (form.cleaned_data.get("as_of") if request.GET else None) or timezone.localdate()
    name = f"Исполнение_дорожной_карты_на_{as_of:%d.%m.%Y}.pdf"
    return attachment(report_pdf(roadmap, as_of), name, PDF.content_type)


@editor_required
def import_roadmap(request):
    """Upload → a preview of what was read, with every problem by row → a draft roadmap."""
    form = RoadmapImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        calendar = selectors.calendar_for(request.user)
        try:
            imported = importer.read_roadmap_file(upload, calendar=calendar)
        except importer.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            context["imported"] = imported
            if imported.ok:
                context["batch"] = importer.hold_for_preview(
                    user=request.user, upload=upload, imported=imported
                )
                context["draft_form"] = DraftForm.prefilled(imported, calendar)
    status = 422 if form.errors or ("imported" in context and not context["imported"].ok) else 200
    return render(request, "roadmap/import_roadmap.html", context, status=status)


@require_POST
@editor_required
def import_roadmap_confirm(request, batch_id: int):
    batch = selectors.import_batch_for(request.user, batch_id)
    calendar = selectors.calendar_for(request.user)
    imported = importer.read_held(batch, calendar=calendar)
    form = DraftForm(request.POST, imported=imported, calendar=calendar)

    def create():
        return importer.confirm_draft(
            user=request.user,
            batch=batch,
            municipality=municipality_of(request.user),
            imported=imported,
            **form.draft(),
        )

    return handle_form(
        request,
        form,
        create,
        said=(
            f"Создан проект дорожной карты: {imported.measure_count} "
            "мероприятий. Проверьте его перед утверждением."
        ),
        then=lambda roadmap: reverse("roadmap:editor", args=[roadmap.pk]),
        page=lambda: render(
            request,
            "roadmap/import_roadmap.html",
            {"imported": imported, "batch": batch, "draft_form": form, "form": RoadmapImportForm()},
            status=422,
        ),
    )
