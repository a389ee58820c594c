"""行政应诉 register services: cases, hearings (负责人出庭), results, 败诉剖析, 司法建议.

Rules: 行政诉讼法 第3条第3款 (被诉行政机关负责人应当出庭应诉); 最高人民法院关于行政机关负责人出庭
应诉若干问题的规定(2020) 第2条 (who counts as 负责人: 正职、副职、其他参与分管的负责人), 第8条
(absence needs a 正当理由). 败诉 = judgment 撤销/部分撤销, 确认违法, 确认无效, 责令履行, 给付, 变更.
Time is frozen at 2024-12-31 (the services refuse dates after today).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from tests.personas import County

from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.litigation import services as svc
from fazhi.litigation.models import (
    HeadCategory,
    Hearing,
    JudicialSuggestion,
    Level,
    LitigationCase,
    LitigationEvent,
    LossReview,
    LossReviewStatus,
    Result,
    Status,
)
from fazhi.orgs.models import OrgUnit

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2024, 12, 31)
TOMORROW = dt.date(2025, 1, 1)
COURT = "湘江县人民法院"
FILED = dt.date(2024, 3, 1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 12, 31, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def fresh(case: LitigationCase) -> LitigationCase:
    return LitigationCase.objects.get(pk=case.pk)


_numbers = iter(range(1, 10_000))


def register(
    county: County,
    unit: OrgUnit | None = None,
    *,
    persona: str = "clerk_a",
    filed_on: dt.date = FILED,
    **kw: Any,
) -> LitigationCase:
    return svc.case_register(
        actor=county.actor(persona),
        unit=unit if unit is not None else county.town_a,
        number=kw.pop("number", f"（2024）湘0199行初{next(_numbers)}号"),
        court=kw.pop("court", COURT),
        filed_on=filed_on,
        plaintiff_name="王五",
        cause="行政处罚",
        **kw,
    )


def appeared(county: County, case: LitigationCase, held_on: str, **kw: Any) -> Hearing:
    return svc.hearing_add(
        actor=county.actor(kw.pop("persona", "clerk_a")),
        case=case,
        held_on=d(held_on),
        head_appeared=True,
        head_name=kw.pop("head_name", "赵副镇长"),
        head_post=kw.pop("head_post", "副镇长"),
        head_category=kw.pop("head_category", HeadCategory.DEPUTY),
        **kw,
    )


def absent(county: County, case: LitigationCase, held_on: str, **kw: Any) -> Hearing:
    return svc.hearing_add(
        actor=county.actor(kw.pop("persona", "clerk_a")),
        case=case,
        held_on=d(held_on),
        head_appeared=False,
        absence_reason=kw.pop("absence_reason", "需要履行他人不能代替的公务"),
        **kw,
    )


def close(
    county: County, case: LitigationCase, result: str, judged_on: str = "2024-06-03", **kw: Any
) -> LitigationCase:
    return svc.case_close(
        actor=county.actor(kw.pop("persona", "clerk_a")),
        case=case,
        judged_on=d(judged_on),
        result=result,
        **kw,
    )


# --- registering ----------------------------------------------------------------------------
def test_register(county: County) -> None:
    case = register(county, number=" （2024）湘0199行初1号 ", level=Level.SECOND)
    case = fresh(case)
    assert case.number == "（2024）湘0199行初1号"
    assert (case.status, case.level, case.filed_on) == (Status.PENDING, Level.SECOND, FILED)
    assert (case.hearing_count, case.first_hearing_on, case.head_appeared) == (0, None, False)
    assert case.is_loss is False
    event = LitigationEvent.objects.get(case=case)
    assert (event.kind, event.on, event.actor_name, event.note) == (
        "二审立案",
        FILED,
        "白沙甲",
        COURT,
    )
    assert (
        AuditEntry.objects.filter(action="litigation.register", object_id=str(case.pk)).count() == 1
    )
    assert RecordEvent.objects.filter(action="litigation.register", object_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"number": " "}, "请填写案号"),
        ({"court": ""}, "请填写法院"),
        ({"level": "appeal"}, "审级"),
        ({"filed_on": TOMORROW}, "不能晚于今天"),
        ({"act_category": "bogus"}, "被诉行为类别"),
    ],
)
def test_register_guards(county: County, kw: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        register(county, **kw)
    assert not LitigationCase.objects.exists()
    assert not AuditEntry.objects.filter(action="litigation.register").exists()


def test_register_same_number_twice_is_refused(county: County) -> None:
    register(county, number="（2024）湘0199行初9号")
    with pytest.raises(ValidationError, match="已登记"):
        register(county, number="（2024）湘0199行初9号")
    # The same 案号 for another defendant (co-defendant) or at another court is a new row.
    register(county, county.root, persona="coordinator", number="（2024）湘0199行初9号")
    register(county, number="（2024）湘0199行初9号", court="湘江市中级人民法院")
    assert LitigationCase.objects.count() == 3


@pytest.mark.parametrize("persona", ["clerk_b", "leader", "leader_a", "reviewer_a", "auditor"])
def test_register_needs_edit_rights_in_scope(county: County, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        register(county, persona=persona)
    assert not LitigationCase.objects.exists()


# --- hearings ---------------------------------------------------------------------------
def test_hearings_keep_count_first_date_and_head_appeared(county: County) -> None:
    case = register(county)
    absent(county, case, "2024-05-10")
    case = fresh(case)
    assert (case.hearing_count, case.first_hearing_on, case.head_appeared) == (
        1,
        d("2024-05-10"),
        False,
    )
    # A session recorded later but held earlier becomes the first hearing.
    appeared(county, case, "2024-04-20")
    case = fresh(case)
    assert (case.hearing_count, case.first_hearing_on, case.head_appeared) == (
        2,
        d("2024-04-20"),
        True,
    )
    absent(county, case, "2024-06-01")
    case = fresh(case)
    assert (case.hearing_count, case.first_hearing_on, case.head_appeared) == (
        3,
        d("2024-04-20"),
        True,  # attended once in this 审级 (规定第7条)
    )
    kinds = list(LitigationEvent.objects.filter(case=case, kind="开庭").values_list("on", "note"))
    assert (d("2024-04-20"), "负责人副镇长赵副镇长出庭") in kinds
    assert (d("2024-05-10"), "负责人未出庭") in kinds
    assert AuditEntry.objects.filter(action="litigation.hearing_add").count() == 3


def test_hearing_rows_store_only_the_relevant_fields(county: County) -> None:
    case = register(county)
    row = svc.hearing_add(
        actor=county.actor("clerk_a"),
        case=case,
        held_on=d("2024-04-20"),
        head_appeared=False,
        head_name="不应保存",
        head_post="镇长",
        head_category=HeadCategory.PRINCIPAL,
        absence_reason=" 不可抗力 ",
        staff_appeared=False,
    )
    row.refresh_from_db()
    assert (row.head_name, row.head_post, row.head_category) == ("", "", "")
    assert row.absence_reason == "不可抗力"
    assert row.staff_appeared is False
    row = appeared(county, case, "2024-05-20", absence_reason="不应保存", head_name=" 钱镇长 ")
    row.refresh_from_db()
    assert (row.head_name, row.head_post, row.absence_reason) == ("钱镇长", "副镇长", "")


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda c, case: absent(c, case, "2024-02-29"), "不能早于立案日期（2024年3月1日）"),
        (lambda c, case: absent(c, case, "2025-01-01"), "不能晚于今天"),
        (lambda c, case: appeared(c, case, "2024-04-20", head_post=" "), "职务"),
        (lambda c, case: appeared(c, case, "2024-04-20", head_category=""), "负责人类别"),
        (lambda c, case: appeared(c, case, "2024-04-20", head_category="staff"), "负责人类别"),
        (lambda c, case: absent(c, case, "2024-04-20", absence_reason="  "), "未出庭理由"),
    ],
    ids=["before-filing", "future", "no-post", "no-category", "bad-category", "no-reason"],
)
def test_hearing_guards(county: County, call: Any, words: str) -> None:
    case = register(county)
    with pytest.raises(ValidationError, match=words):
        call(county, case)
    assert not Hearing.objects.exists()
    assert fresh(case).hearing_count == 0
    assert not LitigationEvent.objects.filter(kind="开庭").exists()


def test_hearing_on_a_closed_case_is_refused(county: County) -> None:
    case = register(county)
    close(county, case, Result.WIN)
    with pytest.raises(ValidationError, match="案件当前状态为“已结案”，不能登记开庭"):
        appeared(county, case, "2024-06-01")
    assert not Hearing.objects.exists()


@pytest.mark.parametrize("persona", ["clerk_b", "leader_a", "reviewer"])
def test_hearing_needs_edit_rights_in_scope(county: County, persona: str) -> None:
    case = register(county)
    with pytest.raises(PermissionDenied):
        appeared(county, case, "2024-04-20", persona=persona)
    assert not Hearing.objects.exists()


# --- closing -----------------------------------------------------------------------------------
LOSSES = {"loss_annul", "loss_illegal", "loss_void", "loss_perform", "loss_pay", "loss_vary"}


def test_every_result_is_classified() -> None:
    assert set(Result.values) == LOSSES | {"win", "dismissed", "withdrawn", "mediated", "other"}


@pytest.mark.parametrize("result", Result.values)
def test_close_sets_is_loss(county: County, result: str) -> None:
    case = register(county)
    close(county, case, result, note="判决书已送达")
    case = fresh(case)
    assert case.status == Status.CLOSED
    assert case.judged_on == d("2024-06-03")
    assert case.result == result
    assert case.result_note == "判决书已送达"
    assert case.is_loss is (result in LOSSES)
    assert set(LitigationCase.objects.losses()) == ({case} if result in LOSSES else set())
    event = LitigationEvent.objects.get(case=case, kind="裁判")
    assert (event.on, event.note) == (d("2024-06-03"), Result(result).label)
    assert AuditEntry.objects.filter(action="litigation.close").count() == 1


def test_close_twice_is_refused(county: County) -> None:
    case = register(county)
    close(county, case, Result.WIN)
    with pytest.raises(ValidationError, match="案件当前状态为“已结案”，不能结案"):
        close(county, case, Result.LOSS_ANNUL, judged_on="2024-07-01")
    case = fresh(case)
    assert (case.result, case.is_loss, case.judged_on) == (Result.WIN, False, d("2024-06-03"))
    assert AuditEntry.objects.filter(action="litigation.close").count() == 1


@pytest.mark.parametrize(
    ("result", "judged_on", "words"),
    [
        ("lost", "2024-06-03", "裁判结果"),
        (Result.WIN, "2024-02-29", "不能早于开庭（立案）日期"),
        (Result.WIN, "2025-01-01", "不能晚于今天"),
    ],
)
def test_close_guards(county: County, result: str, judged_on: str, words: str) -> None:
    case = register(county)
    with pytest.raises(ValidationError, match=words):
        close(county, case, result, judged_on=judged_on)
    assert fresh(case).status == Status.PENDING


@pytest.mark.parametrize("persona", ["clerk_b", "leader", "auditor"])
def test_close_needs_edit_rights_in_scope(county: County, persona: str) -> None:
    case = register(county)
    with pytest.raises(PermissionDenied):
        close(county, case, Result.WIN, persona=persona)
    assert fresh(case).status == Status.PENDING


# --- 败诉剖析 after every N losses in a government's subtree ----------------------------------
def lose(
    county: County, unit: OrgUnit, judged_on: str, result: str = "loss_annul"
) -> LitigationCase:
    persona = {
        county.town_a.pk: "clerk_a",
        county.village_a.pk: "clerk_a",
        county.town_b.pk: "clerk_b",
        county.dept.pk: "dept_clerk",
    }[unit.pk]
    case = register(county, unit, persona=persona)
    return close(county, case, result, judged_on=judged_on, persona=persona)


def test_loss_review_after_every_five_losses(county: County) -> None:
    # Losses across the county: town A, town B, a unit under town A and the 司法局.
    units = [county.town_a, county.town_b, county.village_a, county.dept, county.town_b]
    first = [lose(county, unit, f"2024-04-0{i + 1}") for i, unit in enumerate(units[:4])]
    assert not LossReview.objects.exists()
    # Wins and other outcomes in between do not count.
    close(county, register(county), Result.WIN, judged_on="2024-04-05")
    close(county, register(county), Result.WITHDRAWN, judged_on="2024-04-05")
    fifth = lose(county, units[4], "2024-04-08", "loss_illegal")
    review = LossReview.objects.get()
    assert review.unit == county.root  # the county government; townships are not counted
    assert review.threshold == 5
    assert review.opened_on == d("2024-04-08")
    assert review.status == LossReviewStatus.OPEN
    assert set(review.covered.all()) == {*first, fifth}
    assert AuditEntry.objects.filter(action="litigation.loss_review_open").count() == 1

    # The 6th to 9th losses open nothing.
    more = [lose(county, county.town_a, f"2024-05-0{i}") for i in range(1, 5)]
    assert LossReview.objects.count() == 1
    # The 10th opens the second review, covering exactly the 6th–10th.
    tenth = lose(county, county.town_b, "2024-05-06", "loss_perform")
    assert LossReview.objects.count() == 2
    second = LossReview.objects.exclude(pk=review.pk).get()
    assert second.unit == county.root
    assert second.opened_on == d("2024-05-06")
    assert set(second.covered.all()) == {*more, tenth}
    assert set(review.covered.all()) == {*first, fifth}  # the first is unchanged
    assert AuditEntry.objects.filter(action="litigation.loss_review_open").count() == 2


def test_losses_of_both_towns_count_for_the_county(county: County) -> None:
    for i in range(3):
        lose(county, county.town_a, f"2024-04-1{i}")
    lose(county, county.town_b, "2024-04-20")
    assert not LossReview.objects.exists()  # 4 losses
    lose(county, county.town_b, "2024-04-21")
    review = LossReview.objects.get()
    units = set(review.covered.values_list("unit__name", flat=True))
    assert units == {"白沙镇人民政府", "黄金乡人民政府"}


def test_loss_review_threshold_is_configurable(county: County, settings: Any) -> None:
    settings.FAZHI_LOSS_REVIEW_EVERY = 3
    cases = [lose(county, county.town_a, f"2024-04-0{i}") for i in range(1, 3)]
    assert not LossReview.objects.exists()
    cases.append(lose(county, county.town_b, "2024-04-03"))
    review = LossReview.objects.get()
    assert review.threshold == 3
    assert set(review.covered.all()) == set(cases)
    later = [lose(county, county.town_a, f"2024-04-1{i}") for i in range(3)]
    assert LossReview.objects.count() == 2
    assert set(LossReview.objects.exclude(pk=review.pk).get().covered.all()) == set(later)


def test_loss_review_covers_the_earliest_judgments(county: County, settings: Any) -> None:
    # Four losses with the default 5; the threshold is then lowered to 3. The next loss finds
    # 5 uncovered and opens one review covering the 3 judged earliest (not the 3 closed first).
    assert svc.loss_review_threshold() == 5
    late = lose(county, county.town_a, "2024-06-20")
    early = [lose(county, county.town_b, day) for day in ("2024-04-01", "2024-04-02")]
    middle = lose(county, county.town_a, "2024-05-01")
    assert not LossReview.objects.exists()
    settings.FAZHI_LOSS_REVIEW_EVERY = 3
    newest = lose(county, county.town_b, "2024-06-25")
    review = LossReview.objects.get()
    assert set(review.covered.all()) == {*early, middle}
    assert review.opened_on == d("2024-06-25")
    # Two remain uncovered (late, newest); the next loss completes the second batch of 3.
    last = lose(county, county.town_a, "2024-06-26")
    second = LossReview.objects.exclude(pk=review.pk).get()
    assert set(second.covered.all()) == {late, newest, last}


# --- completing a 败诉剖析 ------------------------------------------------------------------
@pytest.fixture
def review(county: County) -> LossReview:
    for i in range(5):
        lose(county, county.town_a, f"2024-04-1{i}")
    row = LossReview.objects.get()
    assert row.opened_on == d("2024-04-14")
    return row


def test_coordinator_completes_the_review(county: County, review: LossReview) -> None:
    svc.loss_review_complete(
        actor=county.actor("coordinator"),
        review=review,
        completed_on=d("2024-05-10"),
        findings=" 执法程序不规范，证据收集不全 ",
    )
    review.refresh_from_db()
    assert review.status == LossReviewStatus.DONE
    assert review.completed_on == d("2024-05-10")
    assert review.findings == "执法程序不规范，证据收集不全"
    entry = AuditEntry.objects.get(action="litigation.loss_review_complete")
    assert entry.actor_name == "依法明"
    with pytest.raises(ValidationError, match="已完成"):
        svc.loss_review_complete(
            actor=county.actor("coordinator"),
            review=review,
            completed_on=d("2024-05-11"),
            findings="再次",
        )


@pytest.mark.parametrize(
    "persona", ["clerk_a", "dept_clerk", "leader", "reviewer", "coordinator_a"]
)
def test_only_the_county_coordinator_completes_the_review(
    county: County, review: LossReview, persona: str
) -> None:
    # Clerks, leaders and reviewers lack COORDINATE; town A's 依法治办 has it, but the county
    # review is outside its subtree.
    with pytest.raises(PermissionDenied):
        svc.loss_review_complete(
            actor=county.actor(persona),
            review=review,
            completed_on=d("2024-05-10"),
            findings="结论",
        )
    review.refresh_from_db()
    assert review.status == LossReviewStatus.OPEN


@pytest.mark.parametrize(
    ("completed_on", "findings", "words"),
    [
        ("2024-05-10", "  ", "剖析结论"),
        ("2024-04-13", "结论", "不能早于启动日期（2024年4月14日）"),
        ("2025-01-01", "结论", "不能晚于今天"),
    ],
)
def test_review_completion_guards(
    county: County, review: LossReview, completed_on: str, findings: str, words: str
) -> None:
    with pytest.raises(ValidationError, match=words):
        svc.loss_review_complete(
            actor=county.actor("coordinator"),
            review=review,
            completed_on=d(completed_on),
            findings=findings,
        )
    review.refresh_from_db()
    assert (review.status, review.completed_on, review.findings) == (
        LossReviewStatus.OPEN,
        None,
        "",
    )


# --- 司法建议 -------------------------------------------------------------------------------
def receive_suggestion(county: County, **kw: Any) -> JudicialSuggestion:
    return svc.suggestion_receive(
        actor=county.actor(kw.pop("persona", "clerk_a")),
        unit=kw.pop("unit", county.town_a),
        court=kw.pop("court", f" {COURT} "),
        received_on=kw.pop("received_on", d("2024-07-01")),
        content=kw.pop("content", "建议规范行政执法程序"),
        **kw,
    )


def test_suggestion_receive_and_reply(county: County) -> None:
    case = register(county)
    row = receive_suggestion(county, case=case, reply_due=d("2024-08-30"))
    row.refresh_from_db()
    assert (row.court, row.received_on, row.reply_due) == (COURT, d("2024-07-01"), d("2024-08-30"))
    assert LitigationEvent.objects.filter(
        case=case, kind="收到司法建议", on=d("2024-07-01")
    ).exists()
    svc.suggestion_reply(
        actor=county.actor("clerk_a"), suggestion=row, replied_on=d("2024-08-20"), note=" 已整改 "
    )
    row.refresh_from_db()
    assert (row.replied_on, row.reply_note) == (d("2024-08-20"), "已整改")
    assert LitigationEvent.objects.filter(
        case=case, kind="答复司法建议", on=d("2024-08-20")
    ).exists()
    assert AuditEntry.objects.filter(action="litigation.suggestion_receive").count() == 1
    assert AuditEntry.objects.filter(action="litigation.suggestion_reply").count() == 1
    with pytest.raises(ValidationError, match="已答复"):
        svc.suggestion_reply(
            actor=county.actor("clerk_a"), suggestion=row, replied_on=d("2024-08-21"), note="再"
        )


def test_suggestion_without_a_case(county: County) -> None:
    row = receive_suggestion(county)
    assert row.case is None
    assert not LitigationEvent.objects.exists()


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"content": " "}, "建议内容"),
        ({"reply_due": d("2024-06-30")}, "答复期限不能早于收到日期"),
        ({"received_on": TOMORROW}, "不能晚于今天"),
    ],
)
def test_suggestion_receive_guards(county: County, kw: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        receive_suggestion(county, **kw)
    assert not JudicialSuggestion.objects.exists()


@pytest.mark.parametrize(
    ("replied_on", "note", "words"),
    [
        ("2024-06-30", "已整改", "不能早于收到日期（2024年7月1日）"),
        ("2025-01-01", "已整改", "不能晚于今天"),
        ("2024-08-20", " ", "答复情况"),
    ],
)
def test_suggestion_reply_guards(county: County, replied_on: str, note: str, words: str) -> None:
    row = receive_suggestion(county)
    with pytest.raises(ValidationError, match=words):
        svc.suggestion_reply(
            actor=county.actor("clerk_a"), suggestion=row, replied_on=d(replied_on), note=note
        )
    row.refresh_from_db()
    assert (row.replied_on, row.reply_note) == (None, "")


@pytest.mark.parametrize("persona", ["clerk_b", "leader_a"])
def test_suggestion_needs_edit_rights_in_scope(county: County, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        receive_suggestion(county, persona=persona)
    row = receive_suggestion(county)
    with pytest.raises(PermissionDenied):
        svc.suggestion_reply(
            actor=county.actor(persona), suggestion=row, replied_on=d("2024-08-20"), note="x"
        )
    row.refresh_from_db()
    assert row.replied_on is None


def test_judgment_cannot_precede_the_last_hearing(county: County) -> None:
    case = register(county)
    appeared(county, case, "2024-05-06")
    with pytest.raises(ValidationError, match="不能早于开庭"):
        close(county, case, Result.WIN, judged_on="2024-04-01")
    assert fresh(case).status == "pending"


def test_links_must_stay_in_scope(county: County) -> None:
    from fazhi.orgs.scoping import Actor
    from fazhi.reconsideration.services import case_receive

    other = case_receive(
        actor=Actor.command_line(),
        unit=county.town_b,
        received_on=d("2024-03-01"),
        act_category="penalty",
        respondent=county.town_b,
    )
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        register(county, reconsideration=other)
    case = register(county)
    with pytest.raises(ValidationError, match="被告应为收到司法建议的单位"):
        svc.suggestion_receive(
            actor=Actor.command_line(),
            unit=county.town_b,
            court=COURT,
            received_on=d("2024-06-01"),
            content="规范执法程序",
            case=case,
        )
