"""重大执法决定法制审核 (行政处罚法 第58条): no decision without a passing 合法性审查; the
review is an item of the legality register with category 重大执法决定 (``enforcement``)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from tests.enforcement_oversight.conftest import Eo, d
from tests.registers.matrix import api_client

from fazhi.core.models import AuditEntry
from fazhi.enforcement_oversight import services as svc
from fazhi.enforcement_oversight.models import MajorDecision, MajorStatus
from fazhi.enforcement_oversight.workflow import MAJORS
from fazhi.legality import services as legality
from fazhi.legality.models import Review

pytestmark = pytest.mark.django_db


def make(eo: Eo, key: str = "market", persona: str = "coordinator", **kw: object) -> MajorDecision:
    data: dict[str, object] = {
        "case_number": "湘市监罚〔2026〕8号", "title": "某公司销售不合格产品案",
        "major_case": "hearing", "proposal": "拟罚款二十万元", "registered_on": d("2026-06-01"),
    }  # fmt: skip
    data.update(kw)
    return svc.major_register(actor=eo.county.actor(persona), subject=eo.subjects[key], **data)  # type: ignore[arg-type]


def test_workflow_table() -> None:
    assert MAJORS.table() == {
        "registered": {"submit_review": "reviewing", "decide": "decided"},
        "reviewing": {"submit_review": "reviewing", "decide": "decided"},
        "decided": {},
    }


def test_no_decision_without_a_passing_review(eo: Eo) -> None:
    actor = eo.county.actor("coordinator")
    m = make(eo)
    assert (
        MAJORS.blocker(m, "decide")
        == "未经合法性审查（或审查结论不是“合法”“修改后合法”），不能作出执法决定"
    )
    with pytest.raises(ValidationError, match="未经合法性审查"):
        svc.major_decide(actor=actor, decision=m, decided_on=d("2026-06-20"), decision_text="罚款")
    m = svc.major_submit_review(actor=actor, decision=m, submitted_on=d("2026-06-02"))
    review = m.legality_review
    assert review is not None and m.status == MajorStatus.REVIEWING and m.sent_for_review
    assert review.category_code == "enforcement" and review.category.name == "重大执法决定"
    assert review.unit == eo.market and review.submitter == eo.market  # its own 法制机构
    assert "某公司销售不合格产品案" in review.title
    # open review: blocked, and no second submission
    assert "合法性审查尚未完成" in MAJORS.blocker(m, "decide")
    assert "审查尚未完成" in MAJORS.blocker(m, "submit_review")
    # 不合法: still blocked, with the conclusion named; a new review may be asked for
    legality.review_conclude(
        actor=actor, review=review, completed_on=d("2026-06-10"), conclusion="unlawful",
        reason="处罚幅度超出裁量基准",
    )  # fmt: skip
    m.refresh_from_db()
    assert "“不合法”" in MAJORS.blocker(m, "decide")
    with pytest.raises(ValidationError, match="不合法"):
        svc.major_decide(actor=actor, decision=m, decided_on=d("2026-06-20"), decision_text="罚款")
    assert MAJORS.blocker(m, "submit_review") == ""
    m = svc.major_submit_review(
        actor=actor, decision=m, submitted_on=d("2026-06-12"), review_unit=eo.county.dept
    )
    second = m.legality_review
    assert second is not None and second.pk != review.pk and second.unit == eo.county.dept
    legality.review_conclude(
        actor=actor, review=second, completed_on=d("2026-06-18"), conclusion="lawful"
    )
    m.refresh_from_db()
    assert MAJORS.blocker(m, "decide") == ""
    # not before the review's completion
    with pytest.raises(ValidationError, match="法制审核完成日期"):
        svc.major_decide(actor=actor, decision=m, decided_on=d("2026-06-17"), decision_text="罚款")
    m = svc.major_decide(
        actor=actor, decision=m, decided_on=d("2026-06-20"), decision_text="罚款十五万元"
    )
    assert m.status == MajorStatus.DECIDED and m.decided_on == d("2026-06-20")
    assert [e.kind for e in m.events.all()] == ["登记", "送法制审核", "送法制审核", "作出决定"]
    actions = list(
        AuditEntry.objects.filter(
            object_id=str(m.pk), action__startswith="enforcement_oversight.major"
        ).values_list("action", flat=True)
    )
    assert "enforcement_oversight.major.decide" in actions
    assert Review.objects.filter(category_code="enforcement").count() == 2


def test_greyed_button_shows_the_reason(eo: Eo) -> None:
    m = make(eo, key="town_a", persona="clerk_a")
    client = eo.county.client("clerk_a")
    page = client.get(f"/enforcement-oversight/major-decisions/{m.pk}/").content.decode()
    assert "作出决定" in page and "未经合法性审查" in page
    form = client.get(f"/enforcement-oversight/major-decisions/{m.pk}/decide/")
    assert form.status_code == 302  # refused: back to the detail page with the reason
    response = client.post(
        f"/enforcement-oversight/major-decisions/{m.pk}/submit_review/",
        {"submitted_on": "2026-06-02", "review_unit": eo.county.town_a.code},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.legality_review is not None and m.status == MajorStatus.REVIEWING


def test_register_form_and_errors(eo: Eo) -> None:
    client = eo.county.client("clerk_a")
    page = client.get("/enforcement-oversight/major-decisions/new/")
    assert page.status_code == 200 and "第五十八条" in page.content.decode()
    data = {
        "subject": eo.subjects["town_a"].pk, "case_number": "白沙罚〔2026〕1号",
        "title": "违法建设案",
        "category": "penalty", "major_case": "public_interest", "proposal": "拟限期拆除",
        "registered_on": "2026-06-29",
    }  # fmt: skip
    assert client.post("/enforcement-oversight/major-decisions/new/", data).status_code == 302
    again = client.post("/enforcement-oversight/major-decisions/new/", data)
    assert again.status_code == 200 and "已登记" in again.content.decode()
    outside = client.post(
        "/enforcement-oversight/major-decisions/new/", {**data, "subject": eo.subjects["town_b"].pk}
    )
    assert outside.status_code == 200 and MajorDecision.objects.count() == 1


def test_api_register_submit_and_refuse(eo: Eo) -> None:
    c = eo.county
    api, headers = api_client(c, "dept_clerk")
    base = "/api/v1/enforcement-oversight/major-decisions"
    body = {
        "subject": eo.subjects["dept"].pk, "case_number": "湘司罚〔2026〕2号", "title": "某案",
        "category": "penalty", "major_case": "complex", "proposal": "拟罚款",
        "registered_on": "2026-06-01",
    }  # fmt: skip
    created = api.post(base, json.dumps(body), content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    detail = api.get(f"{base}/{pk}", headers=headers).json()
    assert [t["name"] for t in detail["transitions"]] == ["submit_review"]  # not decide
    refused = api.post(
        f"{base}/{pk}/transitions/decide",
        json.dumps({"decided_on": "2026-06-20", "decision": "罚款"}),
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 422 and "未经合法性审查" in str(refused.json()["detail"])
    sent = api.post(
        f"{base}/{pk}/transitions/submit_review",
        json.dumps({"submitted_on": "2026-06-02"}),
        content_type="application/json",
        headers=headers,
    )
    assert sent.status_code == 200 and sent.json()["legality_review_id"]
    other, other_headers = api_client(c, "clerk_b")
    assert other.get(f"{base}/{pk}", headers=other_headers).status_code == 404
