"""Role × in/out-of-subtree matrix of the 考核督察 pages, in each phase that changes who sees
what: 单位自评 (the units fill in), 审核评分 (the 司法局 reviews 1.3, 2, 3, 4 of the others), and
结果公示 (every assessed side sees the totals, grades and ranks; answers stay with their unit).

==== ============ ====================================================================
key  unit         reads its evaluation (before publication)
==== ============ ====================================================================
A    town_a       town_a personas; the reviewer (its indicators only); root personas
B    town_b       clerk_b; the reviewer (its indicators only); root personas
D    dept         dept personas (the reviewer's own unit: read, never scored by it); root
==== ============ ====================================================================

The organiser is the coordinator of the root (依法治办): it takes the steps, scores anything,
answers 异议 and issues 整改; it does not fill in or object for a unit. Root leader and
系统管理员 read their subtree and write nothing; 安全/审计管理员 read nothing (403). Every write
by the wrong side is refused: 403 where the page may be read, else 404."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from tests.assessments.pages_support import (
    D,
    answer,
    at,
    build_campaign,
    evaluation_of,
    row_codes,
    run_to_publication,
    submit_and_start_review,
    text_of,
)
from tests.personas import County

from fazhi.assessments.models import Campaign, Finding, IndicatorSystem, Objection

pytestmark = pytest.mark.django_db

PERSONAS = [
    "clerk_a", "leader_a", "reviewer_a", "coordinator_a", "clerk_b", "dept_clerk",
    "reviewer", "coordinator", "leader", "sysadmin", "secadmin", "auditor",
]  # fmt: skip
KEYS = ("A", "B", "D")
ALL = set(KEYS)
UNIT = {"A": "town_a", "B": "town_b", "D": "dept"}
FORBIDDEN = {"secadmin", "auditor"}  # no business role: 403 everywhere
ORGANISER = "coordinator"
#: the evaluations each persona's subtree holds (its own side; the root holds all)
OWN: dict[str, set[str]] = {
    "clerk_a": {"A"},
    "leader_a": {"A"},
    "reviewer_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"B"},
    "dept_clerk": {"D"},
    "reviewer": {"D"},
    "coordinator": ALL,
    "leader": ALL,
    "sysadmin": ALL,
    "secadmin": set(),
    "auditor": set(),
}
#: the units whose indicators the persona reviews (the 司法局 reviews the others)
REVIEWS: dict[str, set[str]] = {"reviewer": {"A", "B"}}
#: who fills in (and objects for) a unit: its own side with the right to edit, not the organiser
UNIT_WRITERS: dict[str, set[str]] = {
    "clerk_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"B"},
    "dept_clerk": {"D"},
}
#: who scores a unit in 审核评分
SCORERS: dict[str, set[str]] = {"coordinator": ALL, "reviewer": {"A", "B"}}
REVIEWED_CODES = ["1.3", "2", "3", "4"]
ALL_CODES = ["1.1", "1.2", "1.3", "2", "3", "4"]


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at("2026-01-10"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def campaign(county: County) -> Campaign:
    return build_campaign(county)


def reads(persona: str, key: str, published: bool) -> int:
    """The status of the persona's GET of the evaluation page of ``key``."""
    if persona in FORBIDDEN:
        return 403
    if key in OWN[persona] or key in REVIEWS.get(persona, set()):
        return 200
    return 200 if published else 404


def explains(persona: str, key: str) -> int:
    if persona in FORBIDDEN:
        return 403
    return 200 if key in OWN[persona] else 404


def refused(read: int) -> int:
    """A write by the wrong side: 403 where the page may be read, else what the read gave."""
    return 403 if read == 200 else read


def urls(campaign: Campaign, county: County, key: str) -> tuple[str, str]:
    e = evaluation_of(campaign, getattr(county, UNIT[key]))
    base = f"/assessments/{campaign.pk}/units/{e.pk}/"
    return base, base + "explain/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_self_evaluation_phase(county: County, campaign: Campaign, persona: str) -> None:
    client = county.client(persona)
    for key in KEYS:
        evaluation = evaluation_of(campaign, getattr(county, UNIT[key]))
        url, explain = urls(campaign, county, key)
        read = reads(persona, key, published=False)
        response = client.get(url)
        assert response.status_code == read, (persona, key)
        a12 = answer(evaluation, "1.2")
        writer = key in UNIT_WRITERS.get(persona, set())
        if read == 200:
            html = response.content.decode()
            assert (f'name="value_{a12.pk}"' in html) == writer, (persona, key)
            assert ('value="submit"' in html) == writer
            assert "deduction_" not in html  # nobody scores in 单位自评
            shown = row_codes(html, "answers")
            assert shown == (REVIEWED_CODES if key not in OWN[persona] else ALL_CODES)
        assert client.get(explain).status_code == explains(persona, key), (persona, key)
        saved = client.post(url, {"action": "save", f"value_{a12.pk}": "2"})
        assert saved.status_code == (302 if writer else refused(read)), (persona, key)
        assert (answer(evaluation, "1.2").figure == D(2)) == writer
        submitted = client.post(url, {"action": "submit"})
        if writer:
            assert submitted.status_code == 302
        else:
            assert submitted.status_code == refused(read), (persona, key)
            assert evaluation_of(campaign, evaluation.unit).status == "pending"
        sent_back = client.post(url, {"action": "return", "reason": "补充材料"})
        # the organiser may send back only what was submitted (here nothing was)
        assert sent_back.status_code == (400 if persona == ORGANISER else refused(read))
    # the overview: steps for the organiser only
    detail = f"/assessments/{campaign.pk}/"
    response = client.get(detail)
    assert response.status_code == (403 if persona in FORBIDDEN else 200)
    if response.status_code == 200:
        html = response.content.decode()
        assert ('id="organiser-actions"' in html) == (persona == ORGANISER)
        assert 'id="results"' not in html or persona == ORGANISER  # nothing published yet
    refresh = client.post(detail, {"action": "refresh"})
    assert refresh.status_code == (302 if persona == ORGANISER else 403), persona
    first = campaign.system.indicators.get(code="1").pk
    assign = {"action": "reviewer", "unit": county.town_b.pk, "indicators": [first]}
    assigned = client.post(detail, assign)
    assert assigned.status_code == (302 if persona == ORGANISER else 403), persona
    assert campaign.reviewers.filter(unit=county.town_b).exists() == (persona == ORGANISER)


@pytest.mark.parametrize("persona", PERSONAS)
def test_review_phase(county: County, campaign: Campaign, clock: Any, persona: str) -> None:
    submit_and_start_review(campaign, county)
    clock.move_to(at("2026-01-21"))
    client = county.client(persona)
    for key in KEYS:
        evaluation = evaluation_of(campaign, getattr(county, UNIT[key]))
        url, _ = urls(campaign, county, key)
        read = reads(persona, key, published=False)
        response = client.get(url)
        assert response.status_code == read, (persona, key)
        scorer = key in SCORERS.get(persona, set())
        a13 = answer(evaluation, "1.3")
        if read == 200:
            html = response.content.decode()
            assert (f'name="deduction_{a13.pk}"' in html) == scorer, (persona, key)
            assert f'name="value_{answer(evaluation, "1.2").pk}"' not in html
            if persona == "reviewer":
                assert row_codes(html, "answers") == (ALL_CODES if key == "D" else REVIEWED_CODES)
        scored = client.post(
            url,
            {
                "action": "review",
                f"reviewed_{a13.pk}": "1",
                f"deduction_{a13.pk}": "1",
                f"rnote_{a13.pk}": "逾期",
            },
        )
        assert scored.status_code == (302 if scorer else refused(read)), (persona, key)
        assert (answer(evaluation, "1.3").review_deduction == D(1)) == scorer
    base = f"/assessments/{campaign.pk}/"
    target = evaluation_of(campaign, county.town_b)
    finding = client.post(f"{base}findings/", {"evaluation": target.pk, "text": "问题"})
    assert finding.status_code == (302 if persona == ORGANISER else 403), persona
    assert Finding.objects.exists() == (persona == ORGANISER)
    objections = client.get(f"{base}objections/").status_code
    assert objections == (403 if persona in FORBIDDEN else 200 if persona == ORGANISER else 404)
    if persona not in (ORGANISER, *FORBIDDEN):  # a reviewer sees whom it reviews
        html = client.get(base).content.decode()
        listed = text_of(html)
        if persona == "reviewer":
            assert "白沙镇人民政府" in listed and "黄金乡人民政府" in listed
        assert 'id="results"' not in html  # nothing published yet


@pytest.mark.parametrize("persona", PERSONAS)
def test_after_publication(county: County, campaign: Campaign, clock: Any, persona: str) -> None:
    run_to_publication(campaign, county)
    clock.move_to(at("2026-01-25"))
    client = county.client(persona)
    for key in KEYS:
        evaluation = evaluation_of(campaign, getattr(county, UNIT[key]))
        url, explain = urls(campaign, county, key)
        read = reads(persona, key, published=True)
        response = client.get(url)
        assert response.status_code == read, (persona, key)
        answers_seen = key in OWN[persona] or key in REVIEWS.get(persona, set())
        if read == 200:
            html = response.content.decode()
            assert ('id="answers"' in html) == answers_seen, (persona, key)
            assert ('id="results-only"' in html) == (not answers_seen)
            assert (answer(evaluation, "1.1").reason in html) == (key in OWN[persona])
            if not answers_seen:  # another unit: its total, grade and rank, nothing else
                summary = text_of(re.search(r'id="summary">.*?</p>', html, re.S).group(0))  # type: ignore[union-attr]
                assert str(evaluation.total) in summary and f"第 {evaluation.rank} 名" in summary
                assert answer(evaluation, "1.1").reason not in html  # no line of its result
                assert 'id="explain-link"' not in html
        assert client.get(explain).status_code == explains(persona, key), (persona, key)
        indicator = campaign.system.indicators.get(code="1.3")
        filed = client.post(explain, {"indicator": indicator.pk, "reason": "按时报送"})
        objector = key in UNIT_WRITERS.get(persona, set())
        assert filed.status_code == (302 if objector else refused(explains(persona, key)))
        assert evaluation.objections.exists() == objector, (persona, key)
    objection = Objection.objects.first()
    if objection is not None:
        answered = client.post(
            f"/assessments/{campaign.pk}/objections/",
            {"objection": objection.pk, "upheld": "0", "answer": "不成立"},
        )
        assert answered.status_code == 404  # no unit-side persona is the organiser
    response = client.get(f"/assessments/{campaign.pk}/")
    assert response.status_code == (403 if persona in FORBIDDEN else 200)
    if response.status_code == 200:
        results = re.search(r'id="results".*?</table>', response.content.decode(), re.S)
        assert results, persona
        table = text_of(results.group(0))
        assert all(n in table for n in ("白沙镇人民政府", "黄金乡人民政府", "湘江县司法局"))
        assert ("待评" in table) == (persona == ORGANISER)
        html = response.content.decode()
        for key in KEYS:  # a unit's page is linked only where its answers may be read
            url, _ = urls(campaign, county, key)
            opens = key in OWN[persona] or key in REVIEWS.get(persona, set())
            assert (f'href="{url}"' in html) == opens, (persona, key)


def test_the_organiser_answers_but_never_objects(county: County, campaign: Campaign) -> None:
    run_to_publication(campaign, county)
    with time_machine.travel(at("2026-01-25"), tick=False):
        client = county.client(ORGANISER)
        _, explain = urls(campaign, county, "A")
        html = client.get(explain).content.decode()
        assert 'id="objection-form"' not in html
        indicator = campaign.system.indicators.get(code="1.3")
        refused_ = client.post(explain, {"indicator": indicator.pk, "reason": "自己提"})
        assert refused_.status_code == 403 and not Objection.objects.exists()
        clerk = county.client("clerk_a")
        assert clerk.post(explain, {"indicator": indicator.pk, "reason": "按时"}).status_code == 302
        objection = Objection.objects.get()
        url = f"/assessments/{campaign.pk}/objections/"
        for persona in ("clerk_a", "coordinator_a", "reviewer", "leader"):
            response = county.client(persona).post(
                url, {"objection": objection.pk, "upheld": "0", "answer": "x"}
            )
            assert response.status_code == 404, persona
        done = client.post(url, {"objection": objection.pk, "upheld": "0", "answer": "逾期属实"})
        assert done.status_code == 302


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_new_and_systems(county: County, campaign: Campaign, persona: str) -> None:
    client = county.client(persona)
    coordinates = persona in ("coordinator", "coordinator_a")
    response = client.get("/assessments/")
    assert response.status_code == (403 if persona in FORBIDDEN else 200), persona
    if response.status_code == 200:
        html = response.content.decode()
        assert campaign.title in html  # every persona here has a unit in the campaign
        assert ('id="new-campaign"' in html) == coordinates
    assert client.get("/assessments/new/").status_code == (200 if coordinates else 403)
    systems = client.get("/assessments/systems/")
    assert systems.status_code == (403 if persona in FORBIDDEN else 200)
    system_url = f"/assessments/systems/{campaign.system.pk}/"
    read = 403 if persona in FORBIDDEN else 200
    assert client.get(system_url).status_code == read
    assert client.get(f"{system_url}export.xlsx").status_code == read
    assert client.get("/assessments/systems/template.xlsx").status_code == read
    assert client.get("/assessments/systems/import/").status_code == (200 if coordinates else 403)
    copied = client.post(system_url, {"action": "copy"})
    assert copied.status_code == (302 if coordinates else 403), persona
    owned = IndicatorSystem.objects.exclude(owner=None)
    assert owned.count() == (1 if coordinates else 0)
    if coordinates:  # the copy belongs to the coordinator's unit; the other may not freeze it
        other = "coordinator_a" if persona == "coordinator" else "coordinator"
        copy = owned.get()
        frozen = county.client(other).post(f"/assessments/systems/{copy.pk}/", {"action": "freeze"})
        # the county may freeze its town's draft; the town reads the county's but may not
        assert frozen.status_code == (302 if other == "coordinator" else 403)
