"""Issue 13 item 24 on the forms: a received date before 2000 or more than a year ago asks for
confirmation (“我已核对日期无误”) and is accepted once ticked, on every register's intake dates;
ID numbers (GB 11643) and phone numbers are checked by the field's name; long free text has a
maximum length. Time is frozen at 2024-06-28."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django import forms
from tests.personas import County

from fazhi.core.register_forms import (
    CONFIRM_DATES,
    LINE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    StepForm,
)
from fazhi.litigation.forms import CaseRegisterForm
from fazhi.litigation.models import LitigationCase
from fazhi.reconsideration.forms import CaseReceiveForm, ReceiveCorrectionForm
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NEW = "/reconsideration/cases/new/"
CONFIRM = "我已核对日期无误"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def case_data(county: County, **changes: str) -> dict[str, Any]:
    data = {
        "unit": county.town_a.code,
        "received_on": "2024-06-24",
        "channel": "post",
        "act_category": ActCategory.PENALTY,
        "respondent": county.village_a.code,
        "applicant_kind": "person",
        "applicant_name": "李四",
        "applicant_id_number": "430102199001011238",
        "applicant_phone": "13900001111",
        "matter": "请求撤销罚款决定",
    }
    return data | changes


def error_of(html: str, field: str) -> str:
    found = re.search(rf'id="id_{field}-error">([^<]*)<', html)
    return found.group(1) if found else ""


@pytest.mark.parametrize(
    ("received", "why"),
    [("1999-12-31", "1999-12-31早于2000年"), ("2023-05-02", "2023-05-02距今已超过1年")],
)
def test_an_implausible_received_date_is_confirmed_then_accepted(
    county: County, received: str, why: str
) -> None:
    client = county.client("clerk_a")
    data = case_data(county, received_on=received)
    first = client.post(NEW, data)
    assert first.status_code == 200
    html = first.content.decode()
    assert why in error_of(html, "received_on") and CONFIRM in error_of(html, "received_on")
    assert f'name="{CONFIRM_DATES}"' in html and f"{CONFIRM}：" in html
    assert f'name="{CONFIRM_DATES}" checked' not in html
    assert not ReconsiderationCase.objects.exists()
    # resubmitted without ticking: asked again
    again = client.post(NEW, {**data, CONFIRM_DATES: ""})
    assert again.status_code == 200 and not ReconsiderationCase.objects.exists()
    # ticked: accepted
    assert client.post(NEW, {**data, CONFIRM_DATES: "on"}).status_code == 302
    assert ReconsiderationCase.objects.get().received_on == dt.date.fromisoformat(received)


def test_a_recent_date_needs_no_confirmation(county: County) -> None:
    response = county.client("clerk_a").post(NEW, case_data(county, received_on="2023-06-28"))
    assert response.status_code == 302
    assert CONFIRM not in county.client("clerk_a").get(NEW).content.decode()


def test_every_registers_intake_dates_are_checked(county: County) -> None:
    """By default the received / intake dates of every register form, and no other date."""
    assert CaseReceiveForm(actor=county.actor("clerk_a")).checked_dates() == ["received_on"]
    assert ReceiveCorrectionForm(actor=county.actor("clerk_a")).checked_dates() == ["received_on"]
    assert "filed_on" in CaseRegisterForm(actor=county.actor("clerk_a")).checked_dates()
    response = county.client("clerk_a").post(
        "/litigation/cases/new/",
        {
            "unit": county.town_a.code,
            "number": "（2024）湘0102行初1号",
            "court": "湘江县人民法院",
            "level": "first",
            "filed_on": "1998-03-02",
            "plaintiff_name": "张三",
            "act_category": "other",
        },
    )
    assert "1998-03-02早于2000年" in error_of(response.content.decode(), "filed_on")
    assert not LitigationCase.objects.exists()


def test_a_form_declares_its_own_checked_dates(county: County) -> None:
    class Closing(StepForm):
        plausible_date_fields = ("closed_on",)
        closed_on = forms.DateField(label="结案日期")
        received_on = forms.DateField(label="收到日期")

    form = Closing({"closed_on": "1999-01-04", "received_on": "1999-01-04"}, actor=None)  # type: ignore[arg-type]
    assert not form.is_valid()
    assert list(form.errors) == ["closed_on"]
    confirmed = Closing(
        {"closed_on": "1999-01-04", "received_on": "1999-01-04", CONFIRM_DATES: "on"},
        actor=None,  # type: ignore[arg-type]
    )
    assert confirmed.is_valid(), confirmed.errors
    assert CONFIRM_DATES not in confirmed.cleaned_data


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("applicant_id_number", "430102199001011234", "公民身份号码校验位不符"),
        ("applicant_id_number", "43010219900101123", "公民身份号码应为18位"),
        ("applicant_id_number", "430102199013011238", "出生日期“19901301”不是有效日期"),
        ("applicant_phone", "1390000111", "电话号码格式不正确"),
        ("applicant_phone", "88886666", "电话号码格式不正确"),
    ],
)
def test_id_numbers_and_phones_are_checked(
    county: County, field: str, value: str, reason: str
) -> None:
    response = county.client("clerk_a").post(NEW, case_data(county, **{field: value}))
    assert response.status_code == 200
    assert reason in error_of(response.content.decode(), field)
    assert not ReconsiderationCase.objects.exists()


def test_valid_id_number_and_landline_are_stored_normalised(county: County) -> None:
    data = case_data(
        county, applicant_id_number="11010519491231002x", applicant_phone="0731-88886666-12"
    )
    assert county.client("clerk_a").post(NEW, data).status_code == 302
    case = ReconsiderationCase.objects.get()
    assert case.applicant_id_number == "11010519491231002X"
    assert case.applicant_phone == "0731-88886666-12"


def test_an_organisation_applicant_gives_a_credit_code(county: County) -> None:
    data = case_data(
        county,
        applicant_kind="legal_person",
        applicant_name="某某有限公司",
        applicant_id_number="91350100M000100Y43",
    )
    assert county.client("clerk_a").post(NEW, data).status_code == 302


def test_long_free_text_has_a_maximum_length(county: County) -> None:
    form = CaseReceiveForm(actor=county.actor("clerk_a"))
    matter, name = form.fields["matter"], form.fields["applicant_name"]
    assert isinstance(matter, forms.CharField) and isinstance(name, forms.CharField)
    assert matter.max_length == TEXT_MAX_LENGTH and name.max_length == LINE_MAX_LENGTH
    html = county.client("clerk_a").get(NEW).content.decode()
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in html
    response = county.client("clerk_a").post(NEW, case_data(county, matter="长" * 5001))
    assert "5000" in error_of(response.content.decode(), "matter")
    assert not ReconsiderationCase.objects.exists()


def test_the_edit_form_checks_the_phone_too(county: County) -> None:
    client = county.client("clerk_a")
    assert client.post(NEW, case_data(county)).status_code == 302
    case = ReconsiderationCase.objects.get()
    data = {
        "authority": "湘江县人民政府",
        "respondent": county.village_a.pk,
        "applicant_kind": "person",
        "applicant_name": "李四",
        "applicant_id_number": "",
        "applicant_phone": "12345",
        "channel": "post",
        "act_category": ActCategory.PENALTY,
        "matter": "请求撤销罚款决定",
    }
    response = client.post(f"/reconsideration/cases/{case.pk}/edit/", data)
    assert "电话号码格式不正确" in error_of(response.content.decode(), "applicant_phone")
