"""The order with its appendix as files (PDF, DOCX, XLSX, JSON) in the wording asked for, the
amending orders, the execution report, and a roadmap imported from a DOCX or XLSX table."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.decorators import department_required, editor_required
from core.files import PDF
from core.http import attachment, bad_file_query, handle_form, refused
from core.selectors import municipality_of
from roadmap import selectors, services
from roadmap.documents import importer
from roadmap.documents.amendment import NothingToPrint, build_amendment_order
from roadmap.documents.amendment_docx import amendment_docx
from roadmap.documents.pdf import amendment_order_html, html_to_pdf, report_pdf
from roadmap.documents.wording import WordingError, resolve
from roadmap.exports import EXPORTERS, file_name
from roadmap.forms.documents import DraftForm, ReportForm, RoadmapImportForm
from roadmap.forms.editor import AmendmentOrderForm

AMENDMENT_FORMATS = {"pdf", "docx"}


@require_safe
@department_required
def document(request, pk: int, fmt: str):
    """The order with its appendix; ``?wording=original|current|amendment:N`` (current by
    default) chooses the wording."""
    roadmap = selectors.roadmap_for(request.user, pk)
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise Http404("Нет такого формата.")
    try:
        edition = resolve(roadmap, request.GET.get("wording"))
    except WordingError as error:
        return HttpResponse(
            f"Документ не построен. «Редакция»: {error}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return attachment(
        exporter.render(roadmap, edition),
        file_name(roadmap, exporter.extension, edition),
        exporter.content_type,
    )


@require_safe
@department_required
def amendment_order(request, pk: int, fmt: str):
    """The order that makes an amendment («О внесении изменений в приказ …»), PDF or DOCX."""
    amendment = selectors.amendment_for(request.user, pk)
    if fmt not in AMENDMENT_FORMATS:
        raise Http404("Нет такого формата.")
    try:
        doc = build_amendment_order(amendment)
    except NothingToPrint as error:
        back = reverse("roadmap:detail", args=[amendment.roadmap_id])
        return refused(request, [str(error)], back=back)
    if fmt == "pdf":
        content, content_type = html_to_pdf(amendment_order_html(doc)), PDF.content_type
    else:
        content, content_type = amendment_docx(doc), EXPORTERS["docx"].content_type
    return attachment(content, f"{doc.file_stem}.{fmt}", content_type)


@editor_required
def amendment_requisites(request, pk: int):
    """The amending order's date and number, given once it is signed (staff)."""
    amendment = selectors.amendment_for(request.user, pk)
    initial = {"order_date": amendment.order_date, "order_number": amendment.order_number}
    form = AmendmentOrderForm(request.POST or None, initial=initial)
    back = reverse("roadmap:detail", args=[amendment.roadmap_id]) + "#amendments"
    return handle_form(
        request,
        form,
        lambda: services.set_amendment_order(
            user=request.user, amendment=amendment, **form.cleaned_data
        ),
        said=lambda saved: (
            f"{saved}: приказ о внесении изменений {saved.order_requisites}."
            if saved.has_order
            else f"{saved}: реквизиты приказа о внесении изменений убраны."
        ),
        then=back,
        title=f"Приказ о внесении изменений: {amendment}",
        cancel=back,
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
