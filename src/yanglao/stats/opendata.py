"""Open data: aggregate tables per township, small counts suppressed (see
:mod:`yanglao.core.stats.suppress`), as CSV (UTF-8 with BOM, so that Excel opens it).

Only counts of people by township are published — never a list of people, never a village (the
smallest unit of publication is the township) — for the last day of the last complete month.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models.functions import Substr
from django.utils import timezone

from yanglao.core.exports import csv_writer
from yanglao.core.person import FIELD_BY_NAME
from yanglao.core.stats.ages import AGE_BANDS
from yanglao.core.stats.suppress import Table, cell_text, suppress_linked
from yanglao.regions.models import Level, Region
from yanglao.registry.models import Person
from yanglao.stats.figures import person_counts_by
from yanglao.stats.labels import LIVING_WORDS, SEX, SPECIAL


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    description: str


DATASETS: tuple[Dataset, ...] = (
    Dataset("age", "分乡镇老年人口年龄构成", "60周岁及以上户籍老年人口，按乡镇（苏木）和五岁年龄组"),
    Dataset("sex", "分乡镇老年人口性别构成", "60周岁及以上户籍老年人口，按乡镇（苏木）和性别"),
    Dataset("living", "分乡镇老年人居住状况", "独居、空巢、留守、与子女等同住、不详"),
    Dataset("groups", "分乡镇特殊困难老年人", "低保、特困、失能、持残疾人证等，每列单独统计（各列不相加）"),
)
DATASET_BY_KEY = {d.key: d for d in DATASETS}
GROUP_COLUMNS = (
    ("dibao", SPECIAL["dibao"]),
    ("tekun_dispersed", SPECIAL["tekun_dispersed"]),
    ("tekun_centralized", SPECIAL["tekun_centralized"]),
    ("disabled", "失能老年人"),
    ("disability_any", "持残疾人证"),
    ("fp_special", FIELD_BY_NAME["fp_special"].label),
    ("youfu", "优抚对象"),
    ("alone_tekun_disabled", "独居、特困、失能（不重复）"),
)
# The living arrangements counted by township; the rest (与子女等同住, or not known) is the remainder.
LIVING_COUNTED = ("alone", "empty_nest", "left_behind")


def reference_date(today: dt.date | None = None) -> dt.date:
    """The last day of the last complete month."""
    today = today or timezone.localdate()
    return today.replace(day=1) - dt.timedelta(days=1)


def open_counties() -> list[Region]:
    """Counties with people in the registry."""
    codes = Person.objects.annotate(c=Substr("hukou_region", 1, 6)).values_list("c", flat=True).distinct()
    return list(Region.objects.filter(code__in=set(codes), level=Level.COUNTY).order_by("code"))


def _rows(county: Region, on: dt.date) -> tuple[list[str], list[str], dict[str, dict[str, int]]]:
    counts = person_counts_by(county.code, on, 9)
    names = dict(
        Region.objects.filter(code__startswith=county.code, level=Level.TOWNSHIP).values_list("code", "name")
    )
    keys = sorted(counts)
    labels = [names.get(k + "000", "其他（户籍地未细化到乡镇）") for k in keys]
    return keys, labels, counts


def tables(county: Region, on: dt.date) -> tuple[list[str], dict[str, list[Table]]]:
    """(township names, every dataset's tables), suppressed: the tables that share the 60+ totals of
    the townships are suppressed together; each column of ``groups`` is a table of its own."""
    keys, labels, counts = _rows(county, on)
    codes = [k + "000" if len(k) == 9 else k for k in keys]
    total = [counts[k]["population_60_plus"] for k in keys]
    age = Table(
        "age",
        codes,
        [b.label for b in AGE_BANDS],
        [[counts[k][f"age_{b.key}"] for b in AGE_BANDS] for k in keys],
        link="population_60_plus",
    )
    male = [counts[k]["sex_male"] for k in keys]
    female = [counts[k]["sex_female"] for k in keys]
    sex_cells = [[m, f] for m, f in zip(male, female, strict=True)]
    sex_cols = [SEX["male"], SEX["female"]]
    unknown = [t - m - f for t, m, f in zip(total, male, female, strict=True)]
    if any(unknown):
        sex_cells = [[*row, u] for row, u in zip(sex_cells, unknown, strict=True)]
        sex_cols.append("不详")
    sex = Table("sex", codes, sex_cols, sex_cells, link="population_60_plus")
    living_keys = [f"living_{c}" for c in LIVING_COUNTED]
    living_cells = []
    for k, t in zip(keys, total, strict=True):
        row = [counts[k][c] for c in living_keys]
        living_cells.append([*row, t - sum(row)])
    living = Table(
        "living",
        codes,
        [*(LIVING_WORDS[c] for c in LIVING_COUNTED), f"{LIVING_WORDS['with_family']}或不详"],
        living_cells,
        link="population_60_plus",
    )
    suppress_linked([age, sex, living])
    groups = [
        Table(f"groups:{key}", codes, [label], [[counts[k][key]] for k in keys])
        for key, label in GROUP_COLUMNS
    ]
    suppress_linked(groups)
    return labels, {"age": [age], "sex": [sex], "living": [living], "groups": groups}


def csv_bytes(county: Region, dataset: str, on: dt.date) -> bytes:
    names, built = tables(county, on)
    out = io.StringIO()
    writer = csv_writer(out)
    parts = built[dataset]
    if dataset == "groups":
        writer.writerow(["区划代码", "名称", *(t.col_labels[0] for t in parts)])
        published = [t.published() for t in parts]
        for r, code in enumerate(parts[0].row_labels):
            writer.writerow([code, names[r], *(cell_text(p[r][0]) for p in published)])
        writer.writerow([county.code, f"{county.name}合计", *(cell_text(p[-1][0]) for p in published)])
    else:
        table = parts[0]
        writer.writerow(["区划代码", "名称", *table.col_labels, "合计"])
        grid = table.published()
        for r, code in enumerate(table.row_labels):
            writer.writerow([code, names[r], *(cell_text(v) for v in grid[r])])
        writer.writerow([county.code, f"{county.name}合计", *(cell_text(v) for v in grid[-1])])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
