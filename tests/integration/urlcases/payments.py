"""Payment rolls' fund-fraud holds: releasing a held line of 音德尔镇's roll needs ``payments.approve`` (a
county caseworker), so every other role, the outsider (新林镇) included, gets 403 before the roll is read."""

from __future__ import annotations

from typing import Any

from tests.integration.urlpolicy import NEVER, Case, World


def _hold(w: World) -> list[Any]:
    from yanglao.payments.models import FundHold, HoldSource

    roll = w.roll()[0]

    def make() -> Any:
        return FundHold.objects.create(
            source=HoldSource.PAYROLL, roll_ref=roll, line_ref=1, seq=1, person=w.person, rule="shared_account",
            title="一个账户代领多人", reason="测试", created_at=w.on,
        )  # fmt: skip

    return [roll, w.once("hold", make).pk]


CASES = {
    "payments:release": Case(_hold, {**NEVER, "outsider": 403}, "post", {"reason": "测试"}),
}
