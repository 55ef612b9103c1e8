"""The order with its appendix as files (PDF, DOCX, XLSX, JSON), the execution report, and
a roadmap imported from a DOCX or XLSX table."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.decorators import department_required, editor_required
from core.files import PDF
from core.http import attachment, errors_to_form
from core.models import ImportBatch
from core.selectors import municipalities_for
from roadmap import selectors
from roadmap.documents import importer
from roadmap.documents.pdf import report_pdf
from roadmap.exports import EXPORTERS, file_name
from roadmap.forms.documents import DraftForm, ReportForm, RoadmapImportForm
from roadmap.models import quarters_for


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
        problems = " ".join(
            f"«{form.fields[name].label}»: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        return HttpResponse(
            f"Отчёт не построен. {problems} Нужна дата в формате ДД.ММ.ГГГГ.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    as_of = (form.cleaned_data.get("as_of") if request.GET else None) or timezone.localdate()
    name = f"Исполнение_дорожной_карты_на_{as_of:%d.%m.%Y}.pdf"
    return attachment(report_pdf(roadmap, as_of), name, PDF.content_type)


def _read(batch: ImportBatch, calendar) -> importer.ImportedRoadmap:
    with batch.file.open("rb") as handle:
        upload = SimpleUploadedFile(batch.original_name, handle.read())
    return importer.read_roadmap_file(upload, calendar=calendar)


def _calendar_of(user):
    municipality = municipalities_for(user).first()
    return quarters_for(municipality.pk if municipality else None)


@editor_required
def import_roadmap(request):
    """Upload → a preview of what was read, with every problem by row → a draft roadmap."""
    form = RoadmapImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        calendar = _calendar_of(request.user)
        try:
            imported = importer.read_roadmap_file(upload, calendar=calendar)
        except importer.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            context["imported"] = imported
            if imported.ok:
                upload.seek(0)
                batch = ImportBatch(
                    user=request.user,
                    entity="roadmap",
                    original_name=upload.name[:255],
                    rows=imported.measure_count,
                )
                batch.file.save("roadmap.bin", ContentFile(upload.read()), save=False)
                batch.save()
                context["batch"] = batch
                context["draft_form"] = DraftForm.prefilled(imported, calendar)
    status = 422 if form.errors or ("imported" in context and not context["imported"].ok) else 200
    return render(request, "roadmap/import_roadmap.html", context, status=status)


@require_POST
@editor_required
def import_roadmap_confirm(request, batch_id: int):
    batch = get_object_or_404(
        ImportBatch,
        pk=batch_id,
        user=request.user,
        entity="roadmap",
        status=ImportBatch.Status.PREVIEW,
    )
    calendar = _calendar_of(request.user)
    imported = _read(batch, calendar)
    form = DraftForm(request.POST, imported=imported, calendar=calendar)
    if form.is_valid() and imported.ok:
        try:
            roadmap = importer.create_draft(
                user=request.user,
                municipality=municipalities_for(request.user).first(),
                imported=imported,
                **{k: v for k, v in form.cleaned_data.items() if k != "accept_outside"},
            )
        except forms.ValidationError as error:
            errors_to_form(form, error)
        else:
            batch.status = ImportBatch.Status.DONE
            batch.created = imported.measure_count
            batch.save()
            batch.file.delete(save=False)
            messages.success(
                request,
                f"Создан проект дорожной карты: {imported.measure_count} "
                "мероприятий. Проверьте его перед утверждением.",
            )
            return redirect("roadmap:editor", pk=roadmap.pk)
    return render(
        request,
        "roadmap/import_roadmap.html",
        {"imported": imported, "batch": batch, "draft_form": form, "form": RoadmapImportForm()},
        status=422,
    )
