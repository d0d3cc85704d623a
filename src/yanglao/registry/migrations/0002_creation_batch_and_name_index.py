"""Creation provenance by batch (no per-field creation events for imported records) and the name index
per database: on PostgreSQL ``name COLLATE "C"`` serves the prefix search and its order from one index."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEX = "registry_person_name_search"


def create_name_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'CREATE INDEX {INDEX} ON registry_person ((name COLLATE "C"))')
    else:
        schema_editor.execute(f"CREATE INDEX {INDEX} ON registry_person (name)")


def drop_name_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="created_batch",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.importbatch",
                verbose_name="建档导入批次",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="name",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="姓名"),
        ),
        migrations.RunPython(create_name_index, drop_name_index),
    ]
