"""API tokens expire. A token made before this migration gets one default lifetime
(``API_TOKEN_DAYS``) from the moment of the upgrade, so that systems keep working until it is renewed
(``yanglao apitoken --token yl_… --days N``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def give_existing_tokens_a_lifetime(apps: Any, schema_editor: Any) -> None:
    ApiToken = apps.get_model("entitlements", "ApiToken")
    days = int(getattr(settings, "API_TOKEN_DAYS", 90))
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + dt.timedelta(days=days))


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0002_enrolment_region_enrolment_synthetic_and_more")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.RunPython(give_existing_tokens_a_lifetime, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
    ]
