"""Registry XLSX: templates, exports (full and depersonalised), and import with a preview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import permissions
from core.audit import audit
from core.decorators import registry_user
from core.files import XLSX
from core.http import attachment, refused
from core.models import AuditEvent, ImportBatch
from core.selectors import school_of
from core.xlsx.spec import ImportFileError
from core.xlsx.writer import rows_xlsx, template_xlsx
from registry.entities import ENTITIES, Entity
from registry.forms import ImportForm

EXPORT_LIMIT = 100_000


def _entity(key: str) -> Entity:
    """The registered entity the URL names; 404 for any other word."""
    entity = ENTITIES.get(key)
    if entity is None:
        raise Http404
    return entity


def _can_change(user) -> None:
    if not permissions.can_change_registry(user):
        raise PermissionDenied("Загружать данные могут кураторы и сотрудники департамента.")


@registry_user
def template(request, entity: str):
    spec = _entity(entity).sheet(request.user)
    return attachment(template_xlsx(spec), f"Шаблон_{spec.title}.xlsx", XLSX.content_type)


@registry_user
def export(request, entity: str):
    definition = _entity(entity)
    objects = definition.for_export(request.user, request.GET)[:EXPORT_LIMIT]
    depersonalised = request.GET.get("depersonalised") == "1"
    spec, rows = definition.export_rows(objects, depersonalised=depersonalised)
    audit(
        request,
        AuditEvent.Action.EXPORT,
        entity,
        school=school_of(request.user),
        detail=f"{'обезличенная ' if depersonalised else ''}выгрузка, строк: {len(rows)}; "
        f"фильтр: {request.GET.urlencode()[:300]}",
    )
    suffix = "_обезличено" if depersonalised else ""
    stamp = timezone.localdate().strftime("%d.%m.%Y")
    name = f"{definition.title}{suffix}_{stamp}.xlsx"
    return attachment(rows_xlsx(spec, rows), name, XLSX.content_type)


@registry_user
def import_upload(request, entity: str):
    """Upload → a preview of every row's outcome and every error; nothing saved yet."""
    definition = _entity(entity)
    _can_change(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"entity": entity, "title": definition.of_what, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan = definition.plan_file(request.user, upload)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return render(request, "registry/import.html", context, status=422)
        context["plan"] = plan
        if not plan.ok:
            return render(request, "registry/import.html", context, status=422)
        upload.seek(0)
        batch = ImportBatch(
            user=request.user,
            entity=entity,
            original_name=upload.name[:255],
            rows=plan.rows,
            created=len(plan.to_create),
            updated=len(plan.to_update),
        )
        batch.file.save("upload.xlsx", ContentFile(upload.read()), save=False)
        batch.save()
        context["batch"] = batch
    return render(request, "registry/import.html", context, status=422 if form.errors else 200)


@require_POST
@registry_user
def import_confirm(request, entity: str, pk: int):
    """Check the stored file again (the registry may have changed) and save all rows or none."""
    _can_change(request.user)
    definition = _entity(entity)
    batch = get_object_or_404(
        ImportBatch, pk=pk, user=request.user, entity=entity, status=ImportBatch.Status.PREVIEW
    )
    with batch.file.open("rb") as handle:
        stored = SimpleUploadedFile(
            batch.original_name, handle.read(), content_type=XLSX.content_type
        )
    try:
        plan = definition.plan_file(request.user, stored)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("registry:import", entity=entity)
    if not plan.ok:
        context = {
            "entity": entity,
            "title": definition.of_what,
            "plan": plan,
            "form": ImportForm(),
        }
        return render(request, "registry/import.html", context, status=409)
    try:
        with transaction.atomic():
            created, updated = _apply_and_record(request, definition, batch, plan)
    except ValidationError as error:  # the registry changed between the check and the write
        return refused(
            request, error.messages, back=reverse("registry:import", args=[entity]), status=409
        )
    batch.file.delete(save=False)
    said = f"Загружено: новых записей {created}, обновлено {updated}."
    if plan.requested:
        said += (
            f" Отправлено запросов на связь с наставниками других ОО: {plan.requested}; "
            "наставники появятся в списке вашей ОО после подтверждения."
        )
    messages.success(request, said)
    return redirect(f"registry:{entity}")


def _apply_and_record(request, entity: Entity, batch: ImportBatch, plan) -> tuple[int, int]:
    """Write the plan, mark the batch done and record the import in the audit log."""
    created, updated = entity.apply(plan)
    batch.status = ImportBatch.Status.DONE
    batch.created, batch.updated = created, updated
    batch.save()
    audit(
        request,
        AuditEvent.Action.IMPORT,
        entity.key,
        school=school_of(request.user),
        detail=f"{batch.original_name}: создано {created}, обновлено {updated}"
        + (f", запросов на связь {plan.requested}" if plan.requested else ""),
    )
    return created, updated
