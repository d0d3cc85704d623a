"""The hash chain over the audit log and the regions that scope who reads an event.

Existing events get their regions (the user's region; the person's 常住地 and 户籍地) and are chained in
id order; on PostgreSQL the append-only trigger is set aside for that one pass."""

from __future__ import annotations

from typing import Any

import django.utils.timezone
from django.db import migrations, models

from yanglao.audit.chain import FIELDS, link

TRIGGER = "audit_auditevent_append_only"


def chain_existing(apps: Any, schema_editor: Any) -> None:
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChain = apps.get_model("audit", "AuditChain")
    User = apps.get_model("accounts", "User")
    Person = apps.get_model("registry", "Person")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
    regions = dict(User.objects.values_list("pk", "region_id"))
    previous, count, last_id = "", 0, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        event.actor_region = regions.get(event.user_id) or ""
        person = event.detail.get("person") if isinstance(event.detail, dict) else None
        if isinstance(person, int) and not isinstance(person, bool):
            row = Person.objects.filter(pk=person).values_list("residence_region", "hukou_region").first()
            if row is not None:
                event.object_region, event.object_hukou_region = row[0] or "", row[1] or ""
        event.hash = link(previous, {name: getattr(event, name) for name in FIELDS})
        AuditEvent.objects.filter(pk=event.pk).update(
            actor_region=event.actor_region,
            object_region=event.object_region,
            object_hukou_region=event.object_hukou_region,
            hash=event.hash,
        )
        previous, count, last_id = event.hash, count + 1, event.pk
    AuditChain.objects.update_or_create(pk=1, defaults={"last_id": last_id, "hash": previous, "count": count})
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_user_protect"),
        ("accounts", "0001_initial"),
        ("registry", "0002_creation_batch_and_name_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="时间"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_region",
            field=models.CharField(blank=True, db_index=True, max_length=12, verbose_name="用户所属区划"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="object_region",
            field=models.CharField(blank=True, db_index=True, max_length=12, verbose_name="对象常住地"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="object_hukou_region",
            field=models.CharField(blank=True, db_index=True, max_length=12, verbose_name="对象户籍地"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="链哈希"),
        ),
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_id", models.BigIntegerField(default=0, verbose_name="最后事件")),
                ("hash", models.CharField(blank=True, max_length=64, verbose_name="链头哈希")),
                ("count", models.BigIntegerField(default=0, verbose_name="事件数")),
            ],
            options={"verbose_name": "审计链头", "verbose_name_plural": "审计链头"},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
