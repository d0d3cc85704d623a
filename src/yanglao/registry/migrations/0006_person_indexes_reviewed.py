"""registry_person's indexes reviewed (issue 18): three columns were indexed twice on PostgreSQL, a plain
(or unique) index and a ``varchar_pattern_ops`` one, and every import paid for both.

- 户籍地 and 常住地 are searched by prefix (a user's scope, ``LIKE '152223100%'``: only a pattern index
  serves it in a non-C collation) and by equality (a pattern index serves that too): the pattern index
  stays, the plain one goes.
- The ID number is searched by equality (the unique index) and by its last four characters (no index
  helps): its pattern index served nothing and goes; the unique index stays.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

ID_PATTERN = "registry_person_id_number_91906e7b_like"


def drop_id_pattern_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {ID_PATTERN}")


def create_id_pattern_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {ID_PATTERN} ON registry_person (id_number varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_name_search_with_id_number"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="hukou_region",
            field=models.CharField(blank=True, max_length=12, null=True, verbose_name="户籍地区划代码"),
        ),
        migrations.AlterField(
            model_name="person",
            name="residence_region",
            field=models.CharField(blank=True, max_length=12, null=True, verbose_name="常住地区划代码"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["hukou_region"], name="registry_person_huk_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["residence_region"],
                name="registry_person_res_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.RunPython(drop_id_pattern_index, create_id_pattern_index),
    ]
