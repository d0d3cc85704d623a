"""One planted anomaly of every reason a claim line is held for (and a payable neighbour beside the
edge cases: the day before death, the day of entering a care home, the day of leaving hospital, the
first of two duplicates), added to a generated month with the reasons each planted line must get."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

import polars as pl

from yanglao.core.idnumber import make_id_number

if TYPE_CHECKING:
    from yanglao.core.services.generate import Month

_TS = "%Y-%m-%d %H:%M"


class _Planter:
    def __init__(self, month: Month, rng: random.Random) -> None:
        self.m = month
        self.rng = rng
        self.n = 0
        self.persons: list[dict[str, object]] = []
        self.plans: list[dict[str, str | None]] = []
        self.claims: list[dict[str, str]] = []
        self.checkins: list[dict[str, str]] = []
        self.stays: list[dict[str, str | None]] = []
        self.settled: list[str] = []

    def day(self, d: int) -> dt.date:
        return self.m.month.replace(day=d)

    def person(
        self, born: dt.date = dt.date(1945, 5, 5), *, listed: bool = True, death: int | None = None
    ) -> str:
        self.n += 1
        ident = make_id_number("152223", born, 900 + self.n)
        if listed:
            self.persons.append(
                {
                    "id_number": ident,
                    "hukou_region": "152223",
                    "tekun": "none",
                    "dibao": True,
                    "dibao_edge": False,
                    "fp_special": "none",
                    "death_date": None if death is None else self.day(death).isoformat(),
                }
            )
        return ident

    def plan(self, ident: str, service: str = "cleaning_aid", units: int = 8, provider: str = "P000") -> None:
        end = (self.m.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        self.plans.append(
            {
                "id_number": ident,
                "service": service,
                "units_per_month": str(units),
                "provider": provider,
                "start": self.m.month.isoformat(),
                "end": end.isoformat(),
            }
        )

    def claim(
        self,
        line: str,
        ident: str,
        d: int,
        *,
        service: str = "cleaning_aid",
        units: str = "2",
        amount: str = "80",
        provider: str = "P000",
        reasons: set[str] | None = None,
    ) -> None:
        self.claims.append(
            {
                "claim_line": line,
                "provider": provider,
                "id_number": ident,
                "service": service,
                "date": self.day(d).isoformat(),
                "units": units,
                "amount": amount,
            }
        )
        self.m.expected.setdefault(line, []).append(reasons or set())

    def checkin(
        self,
        worker: str,
        ident: str,
        start: dt.datetime,
        minutes: int,
        *,
        service: str = "cleaning_aid",
        provider: str = "P000",
    ) -> None:
        self.checkins.append(
            {
                "provider": provider,
                "worker": worker,
                "id_number": ident,
                "service": service,
                "start": start.strftime(_TS),
                "end": (start + dt.timedelta(minutes=minutes)).strftime(_TS),
            }
        )

    def at(self, d: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(self.day(d), dt.time(hour, minute))

    def visit(
        self, line: str, ident: str, d: int, worker: str, reasons: set[str] | None = None, **kw: str
    ) -> None:
        """A claim line with its check-in (09:00, two hours)."""
        service = kw.get("service", "cleaning_aid")
        provider = kw.get("provider", "P000")
        self.claim(line, ident, d, reasons=reasons, **kw)
        self.checkin(worker, ident, self.at(d, 9), 120, service=service, provider=provider)


def plant_anomalies(month: Month, rng: random.Random) -> None:
    """Adds the planted people, plans, check-ins, claims, stays and settled lines to ``month``; the
    reasons expected of every planted line (per occurrence, in file order) go to ``month.expected``."""
    month.expected = {}
    p = _Planter(month, rng)

    a = p.person()
    p.plan(a)
    p.claim("X-no-checkin", a, 3, reasons={"no_checkin"})

    b = p.person()
    p.plan(b)
    p.claim("X-checkout-before-checkin", b, 3, reasons={"impossible_time"})
    p.checkin("XW02", b, p.at(3, 10), -60)

    c1, c2 = p.person(), p.person()
    for ident in (c1, c2):
        p.plan(ident)
    p.claim("X-30-hours-1", c1, 4, reasons={"impossible_time"})
    p.claim("X-30-hours-2", c2, 4, reasons={"impossible_time"})
    p.checkin("XW03", c1, p.at(4, 0), 20 * 60)
    p.checkin("XW03", c2, p.at(4, 20, 30), 10 * 60)

    d1, d2 = p.person(), p.person()
    for ident in (d1, d2):
        p.plan(ident)
    p.claim("X-two-places-1", d1, 5, reasons={"worker_overlap"})
    p.claim("X-two-places-2", d2, 5, reasons={"worker_overlap"})
    p.checkin("XW04", d1, p.at(5, 9), 120)
    p.checkin("XW04", d2, p.at(5, 10), 120)

    e = p.person(death=10)
    p.plan(e)
    p.visit("X-day-before-death", e, 9, "XW05")
    p.visit("X-death-day", e, 10, "XW05", {"dead"})
    p.visit("X-after-death", e, 12, "XW05", {"dead"})

    f = p.person()
    p.plan(f)
    p.stays.append({"id_number": f, "kind": "care_home", "start": p.day(10).isoformat(), "end": None})
    p.visit("X-care-home-entry-day", f, 10, "XW06")
    p.visit("X-in-care-home", f, 15, "XW06", {"in_care_home"})

    g = p.person()
    p.plan(g)
    p.stays.append(
        {"id_number": g, "kind": "住院", "start": p.day(5).isoformat(), "end": p.day(8).isoformat()}
    )
    p.visit("X-in-hospital", g, 6, "XW07", {"in_hospital"})
    p.visit("X-hospital-leaving-day", g, 8, "XW07")

    h = p.person()
    p.plan(h)
    p.visit("X-same-line", h, 3, "XW08")
    p.claim("X-same-line", h, 3, reasons={"duplicate"})
    p.visit("X-same-visit-a", h, 10, "XW08")
    p.claim("X-same-visit-b", h, 10, reasons={"duplicate"})
    p.visit("X-settled-before", h, 17, "XW08", {"duplicate"})
    p.settled.append("X-settled-before")

    i = p.person()
    p.plan(i)
    p.visit("X-above-price-cap", i, 3, "XW09", {"over_price_cap"}, amount="100")

    j = p.person()
    p.plan(j, units=4)
    p.visit("X-plan-1", j, 3, "XW10")
    p.visit("X-plan-2", j, 10, "XW10")
    p.visit("X-beyond-plan", j, 17, "XW10", {"over_plan"})

    k = p.person()
    p.plan(k, service="medical_aid", units=10)
    for d in range(1, 10):
        reasons = {"over_monthly_cap"} if d == 9 else set()
        p.visit(f"X-medical-{d}", k, d, "XW11", reasons, service="medical_aid", units="1", amount="50")

    m = p.person()
    p.plan(m, service="massage")
    p.visit("X-unknown-service", m, 3, "XW12", {"unknown_service"}, service="massage")

    n = p.person(listed=False)
    p.plan(n)
    p.visit("X-unknown-person", n, 3, "XW13", {"unknown_person"})

    o = p.person(born=dt.date(1971, 3, 3))
    p.plan(o)
    p.visit("X-too-young", o, 3, "XW14", {"not_eligible"})

    q = p.person()
    p.plan(q)
    p.visit("X-other-provider", q, 3, "XW15", {"no_plan"}, provider="P999")

    r = p.person()
    p.plan(r)
    p.checkin("XW16", r, p.at(3, 9), 120)
    p.claim("X-bad-amount", r, 3, amount="80元", reasons={"invalid_row"})

    m_ = month
    m_.persons = pl.concat([m_.persons, pl.DataFrame(p.persons, schema=m_.persons.schema)])
    m_.plans = pl.concat([m_.plans, pl.DataFrame(p.plans, schema=m_.plans.schema)])
    m_.claims = pl.concat([m_.claims, pl.DataFrame(p.claims, schema=m_.claims.schema)])
    m_.checkins = pl.concat([m_.checkins, pl.DataFrame(p.checkins, schema=m_.checkins.schema)])
    m_.stays = pl.concat([m_.stays, pl.DataFrame(p.stays, schema=m_.stays.schema)])
    m_.settled = pl.concat([m_.settled, pl.DataFrame({"claim_line": p.settled})])
