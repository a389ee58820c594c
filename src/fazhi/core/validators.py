"""Checks of implausible input, shared by the forms (:mod:`fazhi.core.register_forms`) and the
Excel import (:mod:`fazhi.core.excel`); every check returns a Chinese reason ("" when fine).

- 公民身份号码 (GB 11643-1999): 18 characters, 17 digits and a check character (0–9 or X,
  ISO 7064 MOD 11-2), the birth date in characters 7–14 a real date between 1900 and today.
  An 证件号码 field may also hold another document (passport, 港澳台 permit: letters in it),
  accepted as it is; and for an applicant that is not a natural person, the 统一社会信用代码
  (GB 32100-2015, 18 characters with its MOD 31 check character).
- 电话号码: a mobile number ``1[3-9]`` + 9 digits (an optional +86), or a landline with its
  area code (0 + 2–3 digits, then 7–8 digits), an optional extension (``-123``, ``转123``).
- Received (intake) dates before 2000, or more than a year before today, are not refused but
  asked to be confirmed (:func:`implausible_date`): a file of a past year's register may hold
  them.

Field names decide which check applies (:func:`is_id_number_field`, :func:`is_phone_field`,
:func:`is_intake_date_field`), so a new register gets the checks by naming its fields.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

#: ISO 7064 MOD 11-2 weights of the first 17 digits, and the check character by remainder.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_DIGITS_ONLY = re.compile(r"^[\dX]+$")
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_SHAPE = re.compile(rf"^[{_CREDIT_CHARS}]{{18}}$")
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}(?:(?:-|转|分机|ext\.?|EXT\.?)\d{1,6})?$")
_PHONE_NOISE = re.compile(r"[\s()（）]")

#: Personal kinds of an applicant or party whose 证件号码 is a 公民身份号码.
PERSON_KINDS = frozenset({"", "person"})
#: A received date before this, or more than :data:`PLAUSIBLE_YEARS` before today, is asked
#: to be confirmed.
EARLIEST_PLAUSIBLE = dt.date(2000, 1, 1)
PLAUSIBLE_YEARS = 1
#: Date fields of the "received / intake" kind, checked for plausibility by default.
INTAKE_DATE_NAMES = frozenset({"received_on", "filed_on"})


def normalise_id_number(value: str) -> str:
    """Spaces removed, a lower-case x made upper-case."""
    return "".join(value.split()).upper()


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_problem(value: str, *, today: dt.date | None = None) -> str:
    """Why ``value`` is not a valid 18-character 公民身份号码 ("" if it is)."""
    number = normalise_id_number(value)
    if len(number) != 18:
        return f"公民身份号码应为18位，现为{len(number)}位"
    if not _ID_SHAPE.match(number):
        return "公民身份号码前17位应为数字，最后一位为数字或X"
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"公民身份号码中的出生日期“{number[6:14]}”不是有效日期"
    if not dt.date(1900, 1, 1) <= born <= (today or timezone.localdate()):
        return f"公民身份号码中的出生日期“{number[6:14]}”不合理"
    if id_check_char(number[:17]) != number[17]:
        return "公民身份号码校验位不符，请核对是否有数字录错"
    return ""


def credit_code_problem(value: str) -> str:
    """Why ``value`` is not a valid 统一社会信用代码 ("" if it is)."""
    code = normalise_id_number(value)
    if not _CREDIT_SHAPE.match(code):
        return "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）"
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code, _CREDIT_WEIGHTS, strict=False))
    if _CREDIT_CHARS[(31 - total % 31) % 31] != code[17]:
        return "统一社会信用代码校验位不符，请核对是否有字符录错"
    return ""


def id_number_problem(value: str, *, kind: str = "", today: dt.date | None = None) -> str:
    """Why ``value`` is not a plausible 证件号码 for a party of ``kind`` ("" if it is).

    A natural person's (``kind`` "person" or unknown) number made of digits (and a final X)
    must be a valid 公民身份号码; one with letters elsewhere is another document and is
    accepted. An organisation's 18-character code must be a valid 统一社会信用代码, or a
    valid 公民身份号码 (e.g. of its legal representative).
    """
    number = normalise_id_number(value)
    if not number:
        return ""
    if kind not in PERSON_KINDS:
        if len(number) != 18:
            return ""  # another kind of document
        problem = credit_code_problem(number)
        return "" if not problem or not resident_id_problem(number, today=today) else problem
    if _DIGITS_ONLY.match(number):
        return resident_id_problem(number, today=today)
    return ""


def phone_problem(value: str) -> str:
    """Why ``value`` is not a mobile or landline number ("" if it is, or is empty)."""
    phone = _PHONE_NOISE.sub("", value)
    if not phone:
        return ""
    if _MOBILE.match(phone.replace("-", "")) or _LANDLINE.match(phone):
        return ""
    return (
        "电话号码格式不正确：手机号为11位（1开头），"
        "固定电话需带区号（如0731-88886666，分机可写“-123”）"
    )


def normalise_phone(value: str) -> str:
    """Surrounding spaces removed."""
    return value.strip()


def is_id_number_field(name: str) -> bool:
    return name == "id_number" or name.endswith("_id_number")


def is_phone_field(name: str) -> bool:
    return name == "phone" or name.endswith("_phone")


def kind_field_of(name: str) -> str:
    """The party-kind field that goes with an ID number field (``applicant_id_number`` →
    ``applicant_kind``)."""
    return name.removesuffix("id_number") + "kind" if name != "id_number" else "kind"


def is_intake_date_field(name: str) -> bool:
    """A date of the "received / intake" kind: ``received_on``, ``…_received_on``, ``filed_on``."""
    return name in INTAKE_DATE_NAMES or name.endswith("_received_on")


def implausible_date(value: dt.date, today: dt.date) -> str:
    """Why ``value`` is an unusual received date ("" if it is not): before 2000, or more than a
    year before ``today``. Such a date is asked to be confirmed, not refused."""
    if value < EARLIEST_PLAUSIBLE:
        return f"{value:%Y-%m-%d}早于{EARLIEST_PLAUSIBLE.year}年"
    try:
        year_ago = today.replace(year=today.year - PLAUSIBLE_YEARS)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - PLAUSIBLE_YEARS, day=28)
    if value < year_ago:
        return f"{value:%Y-%m-%d}距今已超过{PLAUSIBLE_YEARS}年"
    return ""
