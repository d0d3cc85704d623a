"""The registered departments an import names as its source (seeded with the usual ones), and an
import's errors as rows (one per error) instead of one JSON list on the batch."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def seed_departments(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    department = apps.get_model("registry", "Department")
    from yanglao.registry.importscope import DEFAULT_DEPARTMENTS  # a constant: safe in a migration

    for code, name, roles in DEFAULT_DEPARTMENTS:
        department.objects.get_or_create(code=code, defaults={"name": name, "importer_roles": roles})


def errors_to_rows(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    batches = apps.get_model("registry", "ImportBatch")
    rows = apps.get_model("registry", "ImportRowError")
    for batch in batches.objects.exclude(errors=[]).iterator():
        batch.error_count = len(batch.errors)
        batch.save(update_fields=["error_count"])
        rows.objects.bulk_create(
            [
                rows(batch=batch, line=e["line"], field=str(e["field"])[:100], reason=str(e["reason"])[:500])
                for e in batch.errors[:10_000]
            ],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("registry", "0002_creation_batch_and_name_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="error_count",
            field=models.PositiveIntegerField(default=0, verbose_name="错误"),
        ),
        migrations.CreateModel(
            name="Department",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=32, unique=True, verbose_name="部门代码")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="部门名称")),
                ("importer_roles", models.JSONField(blank=True, default=list, verbose_name="可导入的角色")),
                ("active", models.BooleanField(default=True, verbose_name="启用")),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="所属区划",
                    ),
                ),
            ],
            options={
                "verbose_name": "数据来源部门",
                "verbose_name_plural": "数据来源部门",
                "ordering": ["code"],
            },
        ),
        migrations.AddField(
            model_name="importbatch",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.department",
                verbose_name="数据来源部门",
            ),
        ),
        migrations.CreateModel(
            name="ImportRowError",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("line", models.PositiveIntegerField(verbose_name="行号")),
                ("field", models.CharField(max_length=100, verbose_name="字段")),
                ("reason", models.CharField(max_length=500, verbose_name="原因")),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="error_rows",
                        to="registry.importbatch",
                    ),
                ),
            ],
            options={
                "verbose_name": "导入错误",
                "verbose_name_plural": "导入错误",
                "ordering": ["batch", "id"],
            },
        ),
        migrations.RunPython(seed_departments, migrations.RunPython.noop),
        migrations.RunPython(errors_to_rows, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="importbatch",
            name="errors",
        ),
    ]
