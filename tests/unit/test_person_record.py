"""The person record at the edge: every field kind's parsing, its error reasons, cross-checks, age."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.core.idnumber import make_id_number
from yanglao.core.person import (
    FIELD_BY_NAME,
    FIELDS,
    HEADER_ALIASES,
    Field,
    FieldError,
    age_on,
    derive_defaults,
    format_value,
    parse_record,
    parse_value,
)

WOMAN_1950 = make_id_number("152223", dt.date(1950, 3, 1), 2)
MAN_1944 = make_id_number("152223", dt.date(1944, 7, 1), 3)


def parse(name: str, raw: object) -> object:
    return parse_value(FIELD_BY_NAME[name], raw)


def reason(name: str, raw: object) -> str:
    with pytest.raises(FieldError) as caught:
        parse(name, raw)
    assert caught.value.field == name
    return caught.value.reason


# --- empty cells ------------------------------------------------------------------------------


@pytest.mark.parametrize("fld", FIELDS, ids=lambda f: f.name)
@pytest.mark.parametrize("raw", [None, "", "   "])
def test_an_empty_cell_means_not_known_in_every_field(fld: Field, raw: object) -> None:
    assert parse_value(fld, raw) is None


# --- id ---------------------------------------------------------------------------------------


def test_an_id_number_is_normalised() -> None:
    assert parse("id_number", "110105491231002") == "11010519491231002X"


def test_a_bad_id_number_names_the_check_character() -> None:
    assert reason("id_number", WOMAN_1950[:17] + "X") == f"校验码错误：末位应为 {WOMAN_1950[17]}，实际为 X"


# --- text and region --------------------------------------------------------------------------


def test_text_is_trimmed() -> None:
    assert parse("name", "  王秀英 ") == "王秀英"


@pytest.mark.parametrize("code", ["152223", "152223100000"])
def test_a_region_code_has_6_or_12_digits(code: str) -> None:
    assert parse("hukou_region", code) == code


@pytest.mark.parametrize("code", ["15222", "1522231", "扎赉特旗", "15222310000X"])
def test_a_region_code_of_another_shape_is_refused(code: str) -> None:
    assert reason("residence_region", code) == f"区划代码应为6位或12位数字，实际为“{code}”"


# --- bool -------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["true", "TRUE", "1", "是", "Y", "y", "yes", True, 1])
def test_a_boolean_accepts_the_words_for_yes(raw: object) -> None:
    assert parse("dibao", raw) is True


@pytest.mark.parametrize("raw", ["false", "False", "0", "否", "N", "n", "no", False, 0])
def test_a_boolean_accepts_the_words_for_no(raw: object) -> None:
    assert parse("dibao", raw) is False


@pytest.mark.parametrize("raw", ["有", "2", "maybe"])
def test_a_boolean_refuses_anything_else(raw: str) -> None:
    assert reason("no_supporter", raw) == f"应为 true/false、1/0、是/否 或 Y/N，实际为“{raw}”"


# --- date -------------------------------------------------------------------------------------


def test_a_date_is_iso() -> None:
    assert parse("death_date", "2024-02-29") == dt.date(2024, 2, 29)


def test_a_spreadsheet_date_or_datetime_is_taken_as_is() -> None:
    assert parse("death_date", dt.datetime(2024, 5, 6, 0, 0)) == dt.date(2024, 5, 6)
    assert parse("death_date", dt.date(2024, 5, 6)) == dt.date(2024, 5, 6)


@pytest.mark.parametrize("raw", ["2024/05/06", "20240506", "2024-5-6", "2024年5月6日", "2024/5/6 0:00"])
def test_a_date_as_a_spreadsheet_writes_it_is_taken(raw: str) -> None:
    assert parse("death_date", raw) == dt.date(2024, 5, 6)


@pytest.mark.parametrize("raw", ["五月六日", "6/5/2024", "2024-05", "2024/5/6/7"])
def test_a_date_in_another_format_is_refused(raw: str) -> None:
    assert reason("death_date", raw) == (
        f"日期应为 1946-06-06、1946/6/6、1946-6-6、1946年6月6日 或 Excel 日期，实际为“{raw}”"
    )


def test_a_date_that_does_not_exist_is_refused() -> None:
    assert reason("ability_assessed_on", "2023-02-29") == "“2023-02-29”不是有效日期"


# --- int --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [("3", 3), (3, 3), (3.0, 3), (" 0 ", 0)])
def test_an_integer_accepts_text_numbers_and_whole_floats(raw: object, value: int) -> None:
    assert parse("ability_level", raw) == value


def test_an_integer_refuses_words_and_fractions() -> None:
    assert reason("disabled_months", "三") == "应为整数，实际为“三”"
    assert reason("disabled_months", 2.5) == "应为整数，实际为“2.5”"


@pytest.mark.parametrize(
    ("name", "raw", "text"), [("ability_level", "5", "0–4"), ("disability_grade", "0", "1–4")]
)
def test_an_integer_outside_its_range_is_refused(name: str, raw: str, text: str) -> None:
    assert reason(name, raw) == f"应在 {text} 之间，实际为 {raw}"


# --- code -------------------------------------------------------------------------------------


CODE_FIELDS = [f for f in FIELDS if f.kind == "code"]


@pytest.mark.parametrize("fld", CODE_FIELDS, ids=lambda f: f.name)
def test_a_code_accepts_every_english_code_and_every_chinese_label(fld: Field) -> None:
    for code, label in fld.codes:
        assert parse_value(fld, code) == code
        assert parse_value(fld, label) == code


def test_a_sex_code_read_from_a_spreadsheet_number_is_a_code() -> None:
    assert parse("sex", 1.0) == "1"
    assert parse("sex", "女") == "2"


def test_an_unknown_code_is_refused_listing_the_allowed_values() -> None:
    text = reason("living_arrangement", "独自居住")

    assert text == "未知代码“独自居住”，可用值：与子女等同住、独居、空巢、留守"


# --- records ----------------------------------------------------------------------------------


def test_chinese_headers_name_the_same_fields() -> None:
    assert HEADER_ALIASES["公民身份号码"] == "id_number"
    assert HEADER_ALIASES["残疾类别"] == "disability_category"
    assert HEADER_ALIASES["living_arrangement"] == "living_arrangement"


def test_a_record_takes_birth_date_and_sex_from_the_id_number_when_empty() -> None:
    record, errors = parse_record({"id_number": WOMAN_1950, "sex": "", "birth_date": ""})

    assert errors == []
    assert record == {"id_number": WOMAN_1950, "sex": "2", "birth_date": dt.date(1950, 3, 1)}


def test_a_record_without_those_columns_gets_nothing_derived() -> None:
    record, errors = parse_record({"id_number": WOMAN_1950, "disability_grade": "2"})

    assert errors == []
    assert record == {"id_number": WOMAN_1950, "disability_grade": 2}


def test_a_birth_date_contradicting_the_id_number_is_an_error() -> None:
    _, errors = parse_record({"id_number": WOMAN_1950, "birth_date": "1950-03-02"})

    assert [(e.field, e.reason) for e in errors] == [
        ("birth_date", "与公民身份号码不符：身份证号码显示为 1950-03-01，填写为 1950-03-02")
    ]


def test_a_sex_contradicting_the_id_number_is_an_error() -> None:
    _, errors = parse_record({"id_number": WOMAN_1950, "sex": "男"})

    assert [(e.field, e.reason) for e in errors] == [
        ("sex", "与公民身份号码不符：身份证号码显示为 女，填写为 男")
    ]


def test_a_record_reports_every_bad_field_at_once() -> None:
    _, errors = parse_record(
        {"id_number": WOMAN_1950, "dibao": "有", "tekun": "全部", "ability_level": "9", "name": "王秀英"}
    )

    assert sorted(e.field for e in errors) == ["ability_level", "dibao", "tekun"]


def test_an_empty_id_number_is_required() -> None:
    _, errors = parse_record({"id_number": "", "name": "王秀英"})

    assert [(e.field, e.reason) for e in errors] == [("id_number", "公民身份号码为必填项")]


def test_unknown_keys_are_ignored_by_the_record() -> None:
    record, errors = parse_record({"id_number": WOMAN_1950, "shoe_size": "38"})

    assert errors == []
    assert record == {"id_number": WOMAN_1950}


def test_a_complete_record_derives_sex_birth_and_residence() -> None:
    record = derive_defaults({"id_number": MAN_1944, "hukou_region": "152223100000"})

    assert record["sex"] == "1"
    assert record["birth_date"] == dt.date(1944, 7, 1)
    assert record["residence_region"] == "152223100000"


def test_values_are_written_back_as_interchange_text() -> None:
    assert format_value(None) == ""
    assert format_value(True) == "true"
    assert format_value(False) == "false"
    assert format_value(dt.date(2024, 2, 29)) == "2024-02-29"
    assert format_value(3) == "3"


# --- age --------------------------------------------------------------------------------------


def test_age_is_in_completed_years() -> None:
    born = dt.date(1944, 7, 1)

    assert age_on(born, dt.date(2024, 6, 30)) == 79
    assert age_on(born, dt.date(2024, 7, 1)) == 80


def test_a_person_born_on_29_february_is_a_year_older_on_1_march_in_common_years() -> None:
    born = dt.date(1944, 2, 29)

    assert age_on(born, dt.date(2023, 2, 28)) == 78
    assert age_on(born, dt.date(2023, 3, 1)) == 79
    assert age_on(born, dt.date(2024, 2, 28)) == 79
    assert age_on(born, dt.date(2024, 2, 29)) == 80
