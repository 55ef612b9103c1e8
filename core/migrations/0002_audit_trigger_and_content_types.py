"""Finishing the move of the tenant models from the registry.

The audit log's append-only trigger: django-pgtrigger names a trigger after the model's app
label and name (``pgtrigger_append_only_<hash of "app.Model:name">``), so under ``core`` it
has a new name. The new trigger is installed first and the old one dropped after it, in this
migration's one transaction: the table is never without its guard.

The content types (and with them permissions, groups' rights and the admin's log entries)
follow the models: their app label becomes ``core``.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

MOVED = (
    "municipality",
    "department",
    "school",
    "profile",
    "accountstate",
    "auditevent",
    "importbatch",
)

APPEND_ONLY_FUNC = (
    "RAISE EXCEPTION 'Журнал доступа к персональным данным (%) только дополняется: % "
    "записей запрещено', TG_TABLE_NAME, CASE TG_OP WHEN 'DELETE' THEN 'удаление' ELSE "
    "'изменение' END;"
)

# The trigger as registry/migrations/0011_audit_append_only.py installed it.
REGISTRY_TRIGGER = pgtrigger.compiler.Trigger(
    name="append_only",
    sql=pgtrigger.compiler.UpsertTriggerSql(
        func=APPEND_ONLY_FUNC,
        hash="f2f8c8c443bc3d457c769443aa934c3cbf2ee177",
        operation="UPDATE OR DELETE",
        pgid="pgtrigger_append_only_22869",
        table="registry_auditevent",
        when="BEFORE",
    ),
)


def drop_registry_trigger(apps, schema_editor):
    schema_editor.execute(REGISTRY_TRIGGER.uninstall_sql, params=None)
    schema_editor.execute(
        f"DROP FUNCTION IF EXISTS {REGISTRY_TRIGGER.sql.pgid}();", params=None
    )


def restore_registry_trigger(apps, schema_editor):
    schema_editor.execute(REGISTRY_TRIGGER.install_sql, params=None)


def content_types_to(app_label: str, other: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in MOVED:
            moved = ContentType.objects.filter(app_label=other, model=model).first()
            if moved is None:
                continue
            # A type made for the new label by an earlier `migrate` has nothing attached yet.
            ContentType.objects.filter(app_label=app_label, model=model).delete()
            moved.app_label = app_label
            moved.save(update_fields=["app_label"])

    return move


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("registry", "0012_tenant_models_to_core"),
        ("roadmap", "0007_tenant_models_in_core"),
        ("monitoring", "0002_tenant_models_in_core"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="auditevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func=APPEND_ONLY_FUNC,
                    hash="14e9538446171aa2365d459f82270578bac1b83b",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_6d6e0",
                    table="registry_auditevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(drop_registry_trigger, restore_registry_trigger),
        migrations.RunPython(
            content_types_to("core", "registry"), content_types_to("registry", "core")
        ),
    ]
