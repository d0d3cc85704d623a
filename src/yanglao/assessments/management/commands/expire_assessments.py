"""``yanglao expire_assessments``: clear ``ability_level`` where the current result has run out.

Run daily (cron or a systemd timer). A person whose latest result is past its validity has no
current result, so the entitlement engine must not see a level any more; each change is recorded
as a change event of the person and audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from yanglao.assessments.actions import do_expire
from yanglao.assessments.models import Status
from yanglao.registry.models import Person


class Command(BaseCommand):
    help = "清除评估结果已过有效期的老年人能力等级"

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        persons = Person.objects.filter(
            ability_level__isnull=False, assessments__status=Status.SIGNED
        ).distinct()
        cleared = sum(1 for person in persons.iterator() if do_expire(person, actor="定时任务", today=today))
        self.stdout.write(f"清除 {cleared} 人的能力等级（评估结果已过有效期）")
