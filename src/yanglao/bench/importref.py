"""The set-based reference import that ``yanglao bench import`` measures the project against (issue 18).

A program written the way a database programmer would write a department feed's import, on its own
(none of ``yanglao.registry``'s code): the CSV read by Polars, every cell checked column-wise with the
same reasons as the project, one COPY into a staging table, then in SQL on PostgreSQL the new people
(one ``INSERT … SELECT``), the uploader's scope, the per-field difference, each field's last source
(from the change events and the creating batch), the conflicts, the change events and one ``UPDATE``.
It writes the same rows as ``yanglao import persons``: the batch, the people, the change events, the
conflicts and the row errors (``tests/integration/test_import_reference.py`` checks them identical).

It reads CSV files in UTF-8 without quoted cells, with ISO dates and 18-character ID numbers: what the
benchmark's files are. Run alone: ``python -m yanglao.bench.importref URL FILE SOURCE AS_OF [PREFIX]``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import sys
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core import person as spec

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECKS = "10X98765432"
DATES = "1946-06-06、1946/6/6、1946-6-6、1946年6月6日 或 Excel 日期"
OUT_OF_SCOPE = "不在您的管辖区域内：只能导入户籍地或常住地在本辖区内的老年人"
MOVE_REFUSED = "迁入或迁出本辖区须由同时管辖原地和新地的用户办理"
SQL_TYPES = {"bool": "boolean", "date": "date", "int": "integer"}
PL_TYPES: dict[str, Any] = {"bool": pl.Boolean, "date": pl.Date, "int": pl.Int64}
DEFAULT_TEXT = (
    "name",
    "phone",
    "address",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    "spouse_id_number",
)


def _msg(template: str, *values: pl.Expr) -> pl.Expr:
    return pl.format(template, *values)


def _check(fld: spec.Field, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(value, reason or null) of one column."""
    s = raw.str.strip_chars()
    v = pl.when(s == "").then(None).otherwise(s)
    none = pl.lit(None, pl.String)
    if fld.kind == "text":
        return v, none
    if fld.kind == "region":
        bad = v.is_not_null() & ~v.str.contains(r"^[0-9]{6}([0-9]{6})?$")
        return v, pl.when(bad).then(_msg("区划代码应为6位或12位数字，实际为“{}”", v)).otherwise(none)
    if fld.kind == "bool":
        lower = v.str.to_lowercase()
        value = (
            pl.when(lower.is_in(sorted(spec.TRUE_WORDS)))
            .then(True)
            .when(lower.is_in(sorted(spec.FALSE_WORDS)))
            .then(False)
        )
        bad = v.is_not_null() & value.is_null()
        return value, pl.when(bad).then(_msg("应为 true/false、1/0、是/否 或 Y/N，实际为“{}”", v)).otherwise(
            none
        )
    if fld.kind == "date":
        iso = v.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        day = pl.when(iso).then(v.str.to_date("%Y-%m-%d", strict=False)).otherwise(None)
        reason = (
            pl.when(v.is_not_null() & ~iso)
            .then(_msg(f"日期应为 {DATES}，实际为“{{}}”", v))
            .when(v.is_not_null() & day.is_null())
            .then(_msg("“{}”不是有效日期", v))
            .otherwise(none)
        )
        return day, reason
    if fld.kind == "int":
        whole = v.str.contains(r"^[0-9]+$")
        number = pl.when(whole).then(v.cast(pl.Int64, strict=False)).otherwise(None)
        low, high = fld.minimum or 0, fld.maximum or 0
        reason = (
            pl.when(v.is_not_null() & ~whole)
            .then(_msg("应为整数，实际为“{}”", v))
            .when(number.is_not_null() & ~number.is_between(low, high))
            .then(_msg(f"应在 {low}–{high} 之间，实际为 {{}}", number))
            .otherwise(none)
        )
        return number, reason
    if fld.kind == "code":
        lookup = {c: c for c, _ in fld.codes} | {label: c for c, label in fld.codes}
        code = v.replace_strict(lookup, default=None, return_dtype=pl.String)
        allowed = "、".join(label for _, label in fld.codes)
        bad = v.is_not_null() & code.is_null()
        return code, pl.when(bad).then(_msg(f"未知代码“{{}}”，可用值：{allowed}", v)).otherwise(none)
    # the ID number (18 characters)
    up = v.str.to_uppercase()
    shaped = up.str.contains(r"^[0-9]{17}[0-9X]$")
    total = pl.sum_horizontal(
        [up.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(WEIGHTS)]
    )
    expected = pl.lit(list(CHECKS)).list.get(total % 11, null_on_oob=True)
    birth = up.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    reason = (
        pl.when(v.is_null())
        .then(pl.lit("公民身份号码为必填项"))
        .when(~shaped)
        .then(_msg("应为18位（前17位为数字，末位为数字或X）或15位旧号码，实际为“{}”", v))
        .when(up.str.slice(17, 1) != expected)
        .then(_msg("校验码错误：末位应为 {}，实际为 {}", expected, up.str.slice(17, 1)))
        .when(birth.is_null())
        .then(_msg("出生日期部分 {} 不是有效日期", up.str.slice(6, 8)))
        .when(birth.dt.year() < 1880)
        .then(_msg("出生日期部分 {} 早于1880年", up.str.slice(6, 8)))
        .otherwise(none)
    )
    return up, reason


def check(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, list[str], pl.DataFrame]:
    """(valid rows, errors (line, field, reason), columns, whose row each line is (line, id_tail,
    name)) of a CSV file."""
    raw = pl.read_csv(path, infer_schema=False, quote_char=None, encoding="utf8")
    columns = [spec.HEADER_ALIASES[c] for c in raw.columns]
    raw = raw.rename(dict(zip(raw.columns, columns, strict=True))).with_row_index("line", offset=2)
    whose = raw.select(
        pl.col("line").cast(pl.Int64),
        pl.col("id_number").str.strip_chars().fill_null("").str.tail(4).alias("id_tail"),
        (pl.col("name").str.strip_chars().fill_null("").str.head(64) if "name" in columns else pl.lit(""))
        .cast(pl.String)
        .alias("name"),
    )
    values, reasons = [pl.col("line").cast(pl.Int64)], []
    for name in columns:
        value, reason = _check(spec.FIELD_BY_NAME[name], pl.col(name))
        values.append(value.alias(name))
        reasons.append(reason.alias(f"!{name}"))
    frame = raw.select(
        *values, *reasons, *[pl.col(n).alias(f"?{n}") for n in ("birth_date", "sex") if n in columns]
    )
    ident = pl.col("id_number")
    derived_birth = ident.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    derived_sex = (
        pl.when(ident.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1)
        .then(pl.lit("1"))
        .otherwise(pl.lit("2"))
    )
    id_ok = pl.col("!id_number").is_null()
    if "birth_date" in columns:
        clash = (
            id_ok
            & pl.col("!birth_date").is_null()
            & pl.col("birth_date").is_not_null()
            & (pl.col("birth_date") != derived_birth)
        )
        text = _msg(
            "与公民身份号码不符：身份证号码显示为 {}，填写为 {}",
            derived_birth.dt.to_string("%Y-%m-%d"),
            pl.col("?birth_date"),
        )
        frame = frame.with_columns(
            pl.when(clash).then(text).otherwise(pl.col("!birth_date")).alias("!birth_date")
        )
    if "sex" in columns:
        clash = (
            id_ok & pl.col("!sex").is_null() & pl.col("sex").is_not_null() & (pl.col("sex") != derived_sex)
        )
        shown = pl.when(derived_sex == "1").then(pl.lit("男")).otherwise(pl.lit("女"))
        text = _msg("与公民身份号码不符：身份证号码显示为 {}，填写为 {}", shown, pl.col("?sex"))
        frame = frame.with_columns(pl.when(clash).then(text).otherwise(pl.col("!sex")).alias("!sex"))
    reason_cols = [f"!{n}" for n in columns]
    errors = (
        frame.select("line", *reason_cols)
        .unpivot(index="line", variable_name="field", value_name="reason")
        .drop_nulls("reason")
        .with_columns(pl.col("field").str.strip_prefix("!"))
    )
    frame = frame.with_columns(pl.any_horizontal([pl.col(c).is_not_null() for c in reason_cols]).alias("bad"))
    frame = frame.with_columns(birth_date=derived_birth, sex=derived_sex)
    firsts = frame.filter(~pl.col("bad")).group_by("id_number").agg(pl.col("line").min().alias("first"))
    dup = frame.filter(id_ok).join(firsts, on="id_number").filter(pl.col("line") > pl.col("first"))
    dup_errors = dup.select(
        "line",
        pl.lit("id_number").alias("field"),
        _msg("与第 {} 行的公民身份号码重复", pl.col("first")).alias("reason"),
    )
    errors = pl.concat([errors, dup_errors]).sort("line", maintain_order=True)
    valid = (
        frame.filter(~pl.col("bad")).join(firsts, on="id_number").filter(pl.col("line") == pl.col("first"))
    )
    names = list(dict.fromkeys([*columns, "birth_date", "sex"]))
    kept_columns = [n for n in names if n != "id_number"]
    return valid.select("line", *names).sort("line"), errors, kept_columns, whose


def _text(name: str, expr: str) -> str:
    kind = spec.FIELD_BY_NAME[name].kind
    if kind == "bool":
        return f"CASE WHEN {expr} THEN 'true' WHEN NOT {expr} THEN 'false' END"
    if kind == "date":
        return f"to_char({expr}, 'YYYY-MM-DD')"
    if kind == "int":
        return f"({expr})::text"
    return f"({expr})::text"


def run(
    conn: Any,
    path: Path,
    source: str,
    as_of: dt.date,
    prefix: str | None = None,
    user_id: int | None = None,
    actor_name: str = "reference",
) -> dict[str, Any]:
    """Import ``path`` on the psycopg connection ``conn`` (the caller commits). ``prefix`` is the
    uploader's region prefix (None: the operator, no scope). Returns the counts, errors and conflicts."""
    valid, errors, columns, whose = check(path)
    rows_in_file = int(pl.read_csv(path, infer_schema=False, quote_char=None, columns=[0]).height)
    cur = conn.cursor()
    now = dt.datetime.now(dt.UTC)
    department = cur.execute("SELECT id FROM registry_department WHERE name = %s", [source]).fetchone()[0]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    batch = cur.execute(
        "INSERT INTO registry_importbatch (source, department_id, filename, sha256, as_of, user_id, actor_name, started_at,"
        " status, rows, created, updated, unchanged, error_count, conflicts)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'done', 0, 0, 0, 0, 0, 0) RETURNING id",
        [source, department, path.name, digest, as_of, user_id, actor_name, now],
    ).fetchone()[0]
    kinds = {n: spec.FIELD_BY_NAME[n].kind for n in columns}
    decl = ", ".join(f"{n} {SQL_TYPES.get(kinds[n], 'varchar')}" for n in columns)
    cur.execute(
        f"CREATE TEMP TABLE r_stage (line integer PRIMARY KEY, id_number varchar(18), {decl}, pid bigint, changed boolean) ON COMMIT DROP"
    )
    buffer = io.BytesIO()
    valid.select("line", "id_number", *columns).write_csv(buffer, include_header=False)
    with cur.copy(f"COPY r_stage (line, id_number, {', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())
    cur.execute("ANALYZE r_stage")
    differ = " OR ".join(f"(s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM p.{c})" for c in columns)
    cur.execute(
        f"UPDATE r_stage s SET pid = p.id, changed = ({differ}) FROM registry_person p WHERE p.id_number = s.id_number"
    )
    scope_errors: list[tuple[int, str, str]] = []
    if prefix:
        cur.execute("CREATE TEMP TABLE r_bad (line integer, field text, reason text) ON COMMIT DROP")
        like = prefix + "%"
        regions = [c for c in ("residence_region", "hukou_region") if c in columns]
        inside = " AND ".join(f"({c} IS NULL OR {c} LIKE %(p)s)" for c in regions) or "false"
        given = " OR ".join(f"{c} IS NOT NULL" for c in regions) or "false"
        cur.execute(
            f"INSERT INTO r_bad SELECT line, 'id_number', %(r)s FROM r_stage WHERE pid IS NULL AND NOT (({given}) AND {inside})",
            {"p": like, "r": OUT_OF_SCOPE},
        )
        seen = "(p.residence_region LIKE %(p)s OR p.hukou_region LIKE %(p)s)"
        cur.execute(
            f"INSERT INTO r_bad SELECT s.line, 'id_number', %(r)s FROM r_stage s JOIN registry_person p ON p.id = s.pid WHERE NOT coalesce({seen}, false)",
            {"p": like, "r": OUT_OF_SCOPE},
        )
        cases = " ".join(
            f"WHEN s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM p.{c} AND (s.{c} NOT LIKE %(p)s OR coalesce(p.{c}, '') NOT IN ('') AND p.{c} NOT LIKE %(p)s) THEN '{c}'"
            for c in regions
        )
        if cases:
            cur.execute(
                f"INSERT INTO r_bad SELECT line, moved, %(r)s FROM (SELECT s.line, CASE {cases} END AS moved FROM r_stage s"
                f" JOIN registry_person p ON p.id = s.pid WHERE coalesce({seen}, false)) t WHERE moved IS NOT NULL",
                {"p": like, "r": MOVE_REFUSED},
            )
        scope_errors = [tuple(r) for r in cur.execute("SELECT line, field, reason FROM r_bad").fetchall()]
        cur.execute("DELETE FROM r_stage WHERE line IN (SELECT line FROM r_bad)")
    # new people
    targets = ["id_number", *columns, *[c for c in DEFAULT_TEXT if c not in columns]]
    values = [
        "id_number",
        *[f"coalesce({c}, '')" if c in DEFAULT_TEXT else c for c in columns],
        *["''" for c in DEFAULT_TEXT if c not in columns],
    ]
    new = cur.execute("SELECT count(*) FROM r_stage WHERE pid IS NULL").fetchone()[0]
    rebuild: list[str] = []
    if new >= 100_000 and cur.execute("SELECT count(*) FROM registry_person").fetchone()[0] <= new:
        # a large first load: the secondary indexes dropped and built again after it
        indexes = cur.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = 'registry_person'::regclass AND NOT x.indisunique AND NOT x.indisprimary"
        ).fetchall()
        for name, definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
            rebuild.append(definition)
    cur.execute(
        f"INSERT INTO registry_person ({', '.join(targets)}, synthetic, created_batch_id, created_at, updated_at)"
        f" SELECT {', '.join(values)}, false, %s, %s, %s FROM r_stage WHERE pid IS NULL ORDER BY line",
        [batch, now, now],
    )
    created = cur.rowcount
    if rebuild:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        for definition in rebuild:
            cur.execute(definition)
    matched = cur.execute("SELECT count(*) FROM r_stage WHERE pid IS NOT NULL").fetchone()[0]
    # the per-field difference of registered people
    order = {n: i for i, n in enumerate(columns)}
    parts = [
        f"SELECT s.pid, s.line, {order[c]} AS pos, '{c}' AS field, {_text(c, 'p.' + c)} AS cur, {_text(c, 's.' + c)} AS new"
        f" FROM r_stage s JOIN registry_person p ON p.id = s.pid"
        f" WHERE s.changed AND s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM p.{c}"
        for c in columns
    ]
    cur.execute(f"CREATE TEMP TABLE r_diff ON COMMIT DROP AS {' UNION ALL '.join(parts)}")
    # each field's last source: the change events, and the creating batch where it brought a value
    cur.execute(
        """CREATE TEMP TABLE r_last ON COMMIT DROP AS
        WITH keys AS (SELECT DISTINCT pid, field, cur FROM r_diff),
        events AS (
            SELECT c.person_id AS pid, k.field, c.source, c.as_of, c.id AS ord, c.changes -> k.field ->> 0 AS old
            FROM registry_personchange c JOIN keys k ON k.pid = c.person_id AND c.changes ? k.field
        ),
        created AS (
            SELECT k.pid, k.field, b.source, b.as_of, 0::bigint AS ord
            FROM keys k JOIN registry_person p ON p.id = k.pid JOIN registry_importbatch b ON b.id = p.created_batch_id
            WHERE coalesce((SELECT CASE WHEN e.old IS NULL THEN '' ELSE e.old END FROM events e
                            WHERE e.pid = k.pid AND e.field = k.field ORDER BY e.ord LIMIT 1), k.cur, '') <> ''
        )
        SELECT DISTINCT ON (pid, field) pid, field, source, as_of FROM (
            SELECT pid, field, source, as_of, ord FROM events UNION ALL SELECT * FROM created
        ) x ORDER BY pid, field, as_of DESC, ord DESC"""
    )
    cur.execute(
        """CREATE TEMP TABLE r_judged ON COMMIT DROP AS
        SELECT d.*, l.source AS last_source, l.as_of AS last_as_of,
               (l.source IS NOT NULL AND l.source <> %s AND l.as_of >= %s) AS conflict
        FROM r_diff d LEFT JOIN r_last l ON l.pid = d.pid AND l.field = d.field""",
        [source, as_of],
    )
    conflicts = cur.execute(
        """SELECT p.id_number, j.field, coalesce(j.cur, ''), j.last_source, j.last_as_of, j.new
        FROM r_judged j JOIN registry_person p ON p.id = j.pid WHERE j.conflict ORDER BY j.line, j.pos"""
    ).fetchall()
    cur.execute(
        """INSERT INTO registry_conflict (person_id, field, current_value, current_source, current_as_of, proposed_value,
            proposed_source, proposed_as_of, batch_id, status, note, created_at)
        SELECT j.pid, j.field, coalesce(j.cur, ''), j.last_source, j.last_as_of, j.new, %s, %s, %s, 'open', '', %s
        FROM r_judged j WHERE j.conflict AND NOT EXISTS (
            SELECT 1 FROM registry_conflict c WHERE c.person_id = j.pid AND c.field = j.field AND c.status = 'open'
            AND c.proposed_value = j.new AND c.proposed_source = %s)
        ORDER BY j.line, j.pos""",
        [source, as_of, batch, now, source],
    )
    cur.execute(
        """INSERT INTO registry_personchange (person_id, kind, source, batch_id, actor_id, actor_name, as_of, at, changes)
        SELECT pid, 'feed', %s, %s, %s, %s, %s, %s,
               jsonb_object_agg(field, jsonb_build_array(nullif(cur, ''), new) ORDER BY pos)
        FROM r_judged WHERE NOT conflict GROUP BY pid, line ORDER BY line""",
        [source, batch, user_id, actor_name, as_of, now],
    )
    updated = cur.rowcount
    if updated:
        sets = ", ".join(f"{c} = CASE WHEN '{c}' = ANY(u.fields) THEN s.{c} ELSE p.{c} END" for c in columns)
        cur.execute(
            f"""UPDATE registry_person p SET {sets}, updated_at = %s
            FROM (SELECT pid, array_agg(field) AS fields FROM r_judged WHERE NOT conflict GROUP BY pid) u
            JOIN r_stage s ON s.pid = u.pid WHERE p.id = u.pid""",
            [now],
        )
    all_errors = sorted(
        [(int(r[0]), str(r[1]), str(r[2])) for r in errors.iter_rows()] + scope_errors, key=lambda e: e[0]
    )
    kept = pl.DataFrame(
        all_errors[:10_000], schema={"line": pl.Int64, "field": pl.String, "reason": pl.String}, orient="row"
    ).join(whose, on="line", how="left", maintain_order="left")
    sql = "COPY registry_importrowerror (batch_id, line, id_tail, name, field, reason) FROM STDIN"
    with cur.copy(sql) as copy:
        for line, field, reason, id_tail, name in kept.iter_rows():
            copy.write_row((batch, line, id_tail, name[:50], field[:100], reason[:500]))
    cur.execute(
        "UPDATE registry_importbatch SET finished_at = %s, rows = %s, created = %s, updated = %s, unchanged = %s,"
        " error_count = %s, conflicts = %s WHERE id = %s",
        [
            dt.datetime.now(dt.UTC),
            rows_in_file,
            created,
            updated,
            matched - updated,
            len(all_errors),
            len(conflicts),
            batch,
        ],
    )
    if created + updated >= 10_000:
        cur.execute("ANALYZE registry_person")
        cur.execute("ANALYZE registry_personchange")
    return {
        "batch": batch,
        "created": created,
        "updated": updated,
        "unchanged": matched - updated,
        "errors": all_errors,
        "conflicts": [
            {
                "id_number": c[0],
                "field": c[1],
                "current": {"value": c[2], "source": c[3], "as_of": c[4].isoformat()},
                "proposed": {"value": c[5], "source": source, "as_of": as_of.isoformat()},
            }
            for c in conflicts
        ],
    }


def main(argv: list[str]) -> None:
    import psycopg

    url, path, source, as_of = argv[:4]
    prefix = argv[4] if len(argv) > 4 else None
    with psycopg.connect(url) as conn:
        out = run(conn, Path(path), source, dt.date.fromisoformat(as_of), prefix)
        conn.commit()
    print(
        f"新增 {out['created']}，更新 {out['updated']}，无变化 {out['unchanged']}，错误 {len(out['errors'])}，冲突 {len(out['conflicts'])}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
