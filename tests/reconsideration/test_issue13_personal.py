"""Issue 13 item 19: the handling 复议机构's clerk reads the applicant's name in full on the case
page (audited, without the name); everyone else, the lists and the audit log keep it masked; the
list search finds a case by the applicant's full name, ID number or phone through keyed digests,
and the term never appears in a URL (posted, kept in the session behind a token).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.litigation import services as lit
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NAME = "欧阳明远"
ID_NUMBER = "430102199001011234"
PHONE = "13812345678"
OTHER_NAME = "司马光华"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def receive(county: County, number: str, **applicant: str) -> ReconsiderationCase:
    return svc.case_receive(
        actor=Actor.command_line(),
        unit=county.dept,
        respondent=county.town_a,
        number=number,
        received_on=dt.date(2024, 6, 3),
        act_category=ActCategory.PENALTY,
        matter="请求撤销罚款决定",
        **applicant,
    )


@pytest.fixture
def case(county: County) -> ReconsiderationCase:
    return receive(
        county,
        "湘司复〔2024〕7号",
        applicant_name=NAME,
        applicant_id_number=ID_NUMBER,
        applicant_phone=PHONE,
    )


def _page(client: Client, case: ReconsiderationCase) -> str:
    response = client.get(reverse("reconsideration_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_handling_clerk_sees_the_name_and_the_view_is_audited(
    county: County, case: ReconsiderationCase
) -> None:
    page = _page(county.client("dept_clerk"), case)
    assert NAME in page
    assert PHONE not in page and ID_NUMBER not in page  # only the name is shown in full
    viewed = AuditEntry.objects.filter(action="personal_data.view", object_id=str(case.pk))
    assert [(e.actor_name, e.after) for e in viewed] == [("司法填", {"fields": ["申请人"]})]


@pytest.mark.parametrize("persona", ["coordinator", "leader", "clerk_a", "leader_a"])
def test_everyone_else_sees_the_name_masked(
    county: County, case: ReconsiderationCase, persona: str
) -> None:
    page = _page(county.client(persona), case)
    assert NAME not in page
    assert "欧阳**" in page or "****" in page
    assert not AuditEntry.objects.filter(action="personal_data.view").exists()


def test_the_list_and_the_audit_log_keep_the_name_masked(
    county: County, case: ReconsiderationCase
) -> None:
    client = county.client("dept_clerk")
    _page(client, case)
    listed = client.get(reverse("reconsideration_list")).content.decode()
    assert case.number in listed and NAME not in listed
    for entry in AuditEntry.objects.all():
        text = f"{entry.object_repr} {entry.before} {entry.after}"
        assert NAME not in text and ID_NUMBER not in text and PHONE not in text
    log = county.client("auditor").get(reverse("core:audit"))
    assert log.status_code == 200
    assert NAME not in log.content.decode()


def _search(client: Client, term: str, **filters: str) -> tuple[Any, list[str]]:
    """Post the list's search form, follow the redirect; every URL the browser saw."""
    response = client.post(reverse("reconsideration_list"), {"q": term, **filters}, follow=True)
    assert response.status_code == 200
    urls = [url for url, _ in response.redirect_chain]
    urls.append(f"{response.request['PATH_INFO']}?{response.request['QUERY_STRING']}")
    return response, urls


def _no_term_in(urls: list[str], term: str) -> None:
    for url in urls:
        assert term not in url and quote(term) not in url and quote(term).lower() not in url


@pytest.mark.parametrize(
    "term",
    [ID_NUMBER, " 430102 19900101123 4 ", NAME, OTHER_NAME, PHONE, "138-1234 5678"],
)
def test_search_finds_a_case_by_id_number_name_or_phone_without_a_url(
    county: County, case: ReconsiderationCase, term: str
) -> None:
    only_name = receive(county, "湘司复〔2024〕8号", applicant_name=OTHER_NAME)
    receive(county, "湘司复〔2024〕9号", applicant_name="诸葛亮")
    client = county.client("dept_clerk")
    response, urls = _search(client, term, status="")
    listed = response.content.decode()
    expected = only_name if term == OTHER_NAME else case
    others = {"湘司复〔2024〕7号", "湘司复〔2024〕8号", "湘司复〔2024〕9号"} - {expected.number}
    assert expected.number in listed
    assert not any(number in listed for number in others)
    _no_term_in(urls, term.strip())
    # the pager and the export link carry the token, not the term
    export = client.get(reverse("reconsideration_export") + "?" + urls[-1].split("?", 1)[1])
    assert export.status_code == 200
    assert not any(term.strip() in str(e.after) for e in AuditEntry.objects.all())


def test_the_indexes_of_cases_stored_before_them_are_filled_by_the_migration(
    case: ReconsiderationCase,
) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("fazhi.reconsideration.migrations.0005_applicant_search_indexes")
    ReconsiderationCase.objects.update(
        applicant_index="", applicant_name_index="", applicant_phone_index=""
    )
    migration.reindex(apps, None)
    case.refresh_from_db()
    fresh = ReconsiderationCase(
        applicant_name=NAME, applicant_id_number=ID_NUMBER, applicant_phone=PHONE
    )
    fresh.set_search_indexes()
    assert fresh.applicant_index and fresh.applicant_name_index and fresh.applicant_phone_index
    assert (case.applicant_index, case.applicant_name_index, case.applicant_phone_index) == (
        fresh.applicant_index,
        fresh.applicant_name_index,
        fresh.applicant_phone_index,
    )


def test_a_partial_name_does_not_find_the_applicant(
    county: County, case: ReconsiderationCase
) -> None:
    receive(county, "湘司复〔2024〕8号", applicant_name=OTHER_NAME)
    response, _ = _search(county.client("dept_clerk"), "司马")
    assert "湘司复〔2024〕8号" not in response.content.decode()


def test_a_search_token_is_private_to_its_session(
    county: County, case: ReconsiderationCase
) -> None:
    _, urls = _search(county.client("dept_clerk"), ID_NUMBER)
    for session in Session.objects.all():
        assert ID_NUMBER not in str(session.get_decoded())  # kept encrypted
    other = county.client("coordinator").get(urls[-1])
    assert other.status_code == 200  # unknown token: no search, the whole list
    assert ID_NUMBER not in other.content.decode()


def test_the_plaintiff_is_shown_in_full_to_the_defendant_units_clerk(county: County) -> None:
    litigation = lit.case_register(
        actor=Actor.command_line(),
        unit=county.dept,
        number="（2024）湘0102行初5号",
        court="湘江县人民法院",
        filed_on=dt.date(2024, 6, 3),
        plaintiff_name=NAME,
        cause="行政处罚",
    )
    url = reverse("litigation_detail", args=[litigation.pk])
    assert NAME in county.client("dept_clerk").get(url).content.decode()
    assert NAME not in county.client("coordinator").get(url).content.decode()
    assert AuditEntry.objects.filter(action="personal_data.view").count() == 1
