"""The name-search index again on SQLite: 0006's AlterField makes SQLite copy ``registry_person`` into a
new table, which keeps the indexes Django declares and drops ``registry_person_name_search`` (built by
0005 in SQL). PostgreSQL alters the column in place and keeps it; there this does nothing."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEX = "registry_person_name_search"


def rebuild(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_person (name, id_number)")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_person_indexes_reviewed"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
