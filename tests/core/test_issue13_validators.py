"""Issue 13 item 24: the checks of implausible input (fazhi.core.validators), pure functions."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.core import validators as v

TODAY = dt.date(2024, 6, 28)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example of GB 11643-1999
        "11010519491231002x",  # a lower-case x
        " 430102 199001011238 ",  # spaces
        "E12345678",  # a passport: another document, accepted as it is
    ],
)
def test_valid_id_numbers(number: str) -> None:
    assert v.id_number_problem(number, today=TODAY) == ""


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("430102199001011234", "校验位不符"),
        ("110105194912310021", "校验位不符"),
        ("43010219900101123", "应为18位，现为17位"),
        ("4301021990010112388", "应为18位，现为19位"),
        ("43010219901301123X", "出生日期“19901301”不是有效日期"),
        ("430102203001011230", "出生日期“20300101”不合理"),
        ("4301021990X1011238", "前17位应为数字"),
    ],
)
def test_invalid_id_numbers_say_why(number: str, reason: str) -> None:
    assert reason in v.id_number_problem(number, today=TODAY)


def test_an_organisation_gives_its_credit_code() -> None:
    assert v.id_number_problem("91350100M000100Y43", kind="legal_person") == ""
    assert "统一社会信用代码校验位" in v.id_number_problem("91350100M000100Y44", kind="other_org")
    # a natural person's number given for an organisation (its representative) is accepted
    assert v.id_number_problem("11010519491231002X", kind="legal_person", today=TODAY) == ""


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "0731-88886666",
        "073188886666",
        "010-12345678",
        "0731-8888666",
        "0731-88886666-123",
        "0731-88886666转8001",
        "(0731)88886666",
    ],
)
def test_valid_phone_numbers(phone: str) -> None:
    assert v.phone_problem(phone) == ""


@pytest.mark.parametrize(
    "phone", ["12345", "1381234567", "23812345678", "12812345678", "88886666", "电话不详"]
)
def test_invalid_phone_numbers(phone: str) -> None:
    assert "电话号码格式不正确" in v.phone_problem(phone)


def test_implausible_received_dates() -> None:
    assert v.implausible_date(dt.date(1999, 12, 31), TODAY) == "1999-12-31早于2000年"
    assert v.implausible_date(dt.date(2023, 6, 27), TODAY) == "2023-06-27距今已超过1年"
    assert v.implausible_date(dt.date(2023, 6, 28), TODAY) == ""
    assert v.implausible_date(dt.date(2024, 6, 28), TODAY) == ""
    assert v.implausible_date(dt.date(2023, 2, 27), dt.date(2024, 2, 29)) != ""
    assert v.implausible_date(dt.date(2023, 2, 28), dt.date(2024, 2, 29)) == ""


def test_fields_are_chosen_by_name() -> None:
    assert v.is_id_number_field("applicant_id_number") and v.is_id_number_field("id_number")
    assert v.is_phone_field("applicant_phone") and v.is_phone_field("contact_phone")
    assert v.kind_field_of("applicant_id_number") == "applicant_kind"
    assert v.is_intake_date_field("received_on") and v.is_intake_date_field("filed_on")
    assert v.is_intake_date_field("complaint_received_on")
    assert not v.is_intake_date_field("closed_on") and not v.is_intake_date_field("received")
