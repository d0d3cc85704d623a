"""公民身份号码 per GB 11643-1999: check character, birth date and sex, legacy 15-digit numbers, masking."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.core.idnumber import (
    IdNumberError,
    check_char,
    make_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
)

# The example number of GB 11643-1999 itself: a woman born 1949-12-31 in 北京市朝阳区.
STANDARD_EXAMPLE = "11010519491231002X"


def test_it_accepts_the_example_of_the_standard() -> None:
    ident = parse_id_number(STANDARD_EXAMPLE)

    assert ident.value == STANDARD_EXAMPLE
    assert ident.address_code == "110105"
    assert ident.birth_date == dt.date(1949, 12, 31)
    assert ident.sex == "2"
    assert not ident.converted_from_15


def test_it_computes_the_check_character_from_the_weighted_sum() -> None:
    assert check_char("11010519491231002") == "X"
    assert check_char("15222319440229007") == "0"


def test_it_reads_a_lower_case_x_and_surrounding_spaces() -> None:
    assert parse_id_number("  11010519491231002x ").value == STANDARD_EXAMPLE


@pytest.mark.parametrize("wrong", ["0", "1", "2", "9"])
def test_it_rejects_a_wrong_check_character_and_names_the_right_one(wrong: str) -> None:
    with pytest.raises(IdNumberError, match=f"校验码错误：末位应为 X，实际为 {wrong}"):
        parse_id_number(STANDARD_EXAMPLE[:17] + wrong)


@pytest.mark.parametrize(
    "raw", ["", "abc", "1101051949123100", "1101051949123100211", "11010519491231002Y", "X1010519491231002X"]
)
def test_it_rejects_a_number_of_the_wrong_shape(raw: str) -> None:
    with pytest.raises(IdNumberError, match="应为18位"):
        parse_id_number(raw)


def test_it_rejects_a_birth_date_that_does_not_exist() -> None:
    body = "11010519490229002"  # 1949 was not a leap year
    with pytest.raises(IdNumberError, match="19490229 不是有效日期"):
        parse_id_number(body + check_char(body))


def test_it_rejects_a_birth_date_before_1880() -> None:
    body = "11010518790101002"
    with pytest.raises(IdNumberError, match="早于1880年"):
        parse_id_number(body + check_char(body))


def test_it_converts_a_legacy_15_digit_number() -> None:
    ident = parse_id_number("110105491231002")

    assert ident.value == STANDARD_EXAMPLE
    assert ident.birth_date == dt.date(1949, 12, 31)
    assert ident.converted_from_15


@pytest.mark.parametrize(("sequence", "sex"), [(1, "1"), (2, "2"), (999, "1"), (100, "2")])
def test_it_derives_the_sex_from_the_parity_of_the_sequence(sequence: int, sex: str) -> None:
    number = make_id_number("152223", dt.date(1950, 1, 1), sequence)

    assert parse_id_number(number).sex == sex


def test_a_made_number_is_valid_and_carries_the_birth_date() -> None:
    number = make_id_number("152223100000", dt.date(1944, 2, 29), 7)

    assert number == "152223194402290070"
    assert parse_id_number(number).birth_date == dt.date(1944, 2, 29)


def test_it_masks_an_id_number_as_first_6_and_last_4() -> None:
    assert mask_id_number(STANDARD_EXAMPLE) == "110105********002X"
    assert mask_id_number("1234567890") == "**********"


def test_it_masks_a_phone_number_as_first_3_and_last_4() -> None:
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone(" 0482-6212345 ") == "048*****2345"
    assert mask_phone("6212345") == "*******"


def test_it_masks_a_name_after_the_surname_character() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧***"
    assert mask_name("") == ""
