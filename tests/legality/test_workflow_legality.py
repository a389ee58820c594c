"""合法性审查: the state table, every refusal the services give (with its Chinese reason), the
timeline, history and audit the runner writes, the 审查编号, who may register (the 审查机构's
side or the 送审单位's) and the gate other registers call (``gates.lawful_review_problem``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.legality.conftest import MakeReview, d
from tests.personas import County

from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.legality import services as svc
from fazhi.legality.gates import lawful_review_problem
from fazhi.legality.models import Category, Conclusion, Review, Status
from fazhi.legality.workflow import REVIEWS

pytestmark = pytest.mark.django_db


def fresh(review: Review) -> Review:
    return Review.objects.get(pk=review.pk)


def test_the_workflow_table() -> None:
    assert REVIEWS.table() == {
        "received": {"return": "returned", "start": "reviewing", "conclude": "done"},
        "returned": {"supplement": "received"},
        "reviewing": {"return": "returned", "conclude": "done"},
        "done": {"adopt": "done"},
    }


def test_categories_are_loaded_as_data_after_migrate() -> None:
    codes = list(Category.objects.values_list("code", flat=True))
    assert codes == [
        "normative_doc", "gov_doc", "major_decision", "contract",
        "minutes", "agenda", "enforcement", "other",
    ]  # fmt: skip
    assert Category.objects.get(code="gov_doc").name == "其他政府文件（以政府或政府办名义发文）"
    # editable data: a renamed category keeps its name when the fixture is loaded again
    from fazhi.legality.categories import categories_sync

    Category.objects.filter(code="other").update(name="其他事项")
    Category.objects.filter(code="agenda").delete()
    assert categories_sync() == 1
    assert Category.objects.get(code="other").name == "其他事项"


def test_register_writes_number_timeline_history_and_audit(
    county: County, make_review: MakeReview
) -> None:
    first = make_review()
    second = make_review(received_on="2026-06-02")
    other_year = make_review(received_on="2025-12-30")
    assert (first.number, second.number) == ("合审〔2026〕1号", "合审〔2026〕2号")
    assert other_year.number == "合审〔2025〕1号"
    assert first.status == Status.RECEIVED and first.conclusion == ""
    assert [(e.kind, str(e.on), e.actor_name) for e in first.events.all()] == [
        ("收到送审材料", "2026-06-01", "司法填")
    ]
    entry = AuditEntry.objects.filter(action="legality.register").order_by("pk").first()
    assert entry is not None and entry.before is None and entry.after["title"] == first.title
    assert RecordEvent.objects.filter(object_id=str(first.pk), action="legality.register").exists()


def test_the_full_path_with_supplement_and_conclusion(
    county: County, make_review: MakeReview
) -> None:
    review = make_review(received_on="2026-06-01")
    clerk = county.actor("dept_clerk")
    svc.review_return(
        actor=clerk, review=review, returned_on=d("2026-06-02"), return_reason="缺少起草说明"
    )
    assert fresh(review).status == Status.RETURNED
    svc.review_supplement(actor=clerk, review=review, supplemented_on=d("2026-06-05"))
    svc.review_start(
        actor=clerk, review=review, started_on=d("2026-06-08"), reviewers="张三、李四（法律顾问）"
    )
    done = svc.review_conclude(
        actor=clerk,
        review=review,
        completed_on=d("2026-06-15"),
        conclusion=Conclusion.AMENDED,
        opinion="删除第五条",
    )
    done = fresh(done)
    assert (done.status, done.conclusion, done.on_time, done.adopted) == (
        Status.DONE, Conclusion.AMENDED, True, None,
    )  # fmt: skip
    assert done.reviewers == [
        {"name": "张三", "kind": "staff"},
        {"name": "李四", "kind": "counsel"},
    ]
    svc.review_adopt(actor=clerk, review=done, adopted=True)
    assert fresh(done).adopted is True
    assert [e.kind for e in done.events.all()] == [
        "收到送审材料", "退回补充", "收到补充材料", "开始审查", "审查完成", "登记意见采纳情况",
    ]  # fmt: skip
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"legality.return", "legality.supplement", "legality.conclude"} <= actions


def test_late_conclusion_is_recorded_as_not_on_time(
    county: County, make_review: MakeReview
) -> None:
    review = make_review(category="minutes", received_on="2026-06-01")  # due 2026-06-15
    assert str(review.due_on) == "2026-06-15"
    done = svc.review_conclude(
        actor=county.actor("dept_clerk"),
        review=review,
        completed_on=d("2026-06-16"),
        conclusion=Conclusion.LAWFUL,
    )
    assert fresh(done).on_time is False
    assert "超过审查期限 2026-06-15" in done.events.get(kind="审查完成").note
    # a 规范性文件 concluded before its 「一般不少于5个工作日」 is recorded, and noted
    early = make_review(category="normative_doc", received_on="2026-06-01")  # earliest 06-08
    assert str(early.earliest_on) == "2026-06-08"
    early = svc.review_conclude(
        actor=county.actor("dept_clerk"),
        review=early,
        completed_on=d("2026-06-03"),
        conclusion=Conclusion.LAWFUL,
    )
    assert early.on_time is True
    assert "早于一般不少于的审查时间 2026-06-08" in early.events.get(kind="审查完成").note


# --- every refusal, with its reason -----------------------------------------------------------
def refusal(call: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()  # type: ignore[operator]
    return caught.value.message_dict


def test_register_refusals(county: County, make_review: MakeReview) -> None:
    assert refusal(lambda: make_review(title="  ")) == {"title": ["请填写审查事项"]}
    bad = refusal(lambda: make_review(category="law"))
    assert bad["category"][0].startswith("类别“law”不存在，应为：规范性文件、")
    assert refusal(lambda: make_review(received_on="2026-07-01")) == {
        "received_on": ["收到日期不能晚于今天（2026年6月30日）"]
    }
    make_review(number="合审〔2026〕9号")
    assert refusal(lambda: make_review(number="合审〔2026〕9号")) == {
        "number": ["审查编号“合审〔2026〕9号”在湘江县司法局已登记"]
    }
    assert refusal(lambda: make_review(reviewers="张三（律师）")) == {
        "reviewers": ["审查人员“张三”的身份“律师”无效，应为工作人员、法律顾问、公职律师"]
    }
    assert refusal(lambda: make_review(completed_on=d("2026-06-10"))) == {
        "conclusion": ["审查完成日期和审查结论应同时填写"]
    }
    assert refusal(lambda: make_review(adopted=True)) == {
        "adopted": ["尚未登记审查结论，不能登记意见采纳情况"]
    }
    Category.objects.filter(code="agenda").update(active=False)
    assert "不存在" in refusal(lambda: make_review(category="agenda"))["category"][0]
    assert Review.objects.count() == 1  # every refusal rolled back


def test_step_refusals(county: County, make_review: MakeReview) -> None:
    clerk = county.actor("dept_clerk")
    review = make_review(received_on="2026-06-01")
    assert refusal(
        lambda: svc.review_return(
            actor=clerk, review=review, returned_on=d("2026-05-31"), return_reason="x"
        )
    ) == {"returned_on": ["退回补充日期不能早于收到材料日期（2026年6月1日）"]}
    assert refusal(
        lambda: svc.review_return(
            actor=clerk, review=review, returned_on=d("2026-06-02"), return_reason=" "
        )
    ) == {"return_reason": ["请写明需补充的材料"]}
    assert refusal(
        lambda: svc.review_conclude(
            actor=clerk, review=review, completed_on=d("2026-06-05"), conclusion="bad"
        )
    ) == {"conclusion": ["请选择审查结论"]}
    for conclusion, label in ((Conclusion.DECLINED, "不予审查"), (Conclusion.UNLAWFUL, "不合法")):
        assert refusal(
            lambda c=conclusion: svc.review_conclude(
                actor=clerk, review=review, completed_on=d("2026-06-05"), conclusion=c
            )
        ) == {"reason": [f"审查结论为“{label}”的，须写明理由"]}
    assert refusal(
        lambda: svc.review_conclude(
            actor=clerk,
            review=review,
            completed_on=d("2026-06-05"),
            conclusion=Conclusion.DECLINED,
            reason="属于请示报告",
            adopted=True,
        )
    ) == {"adopted": ["不予审查的事项没有审查意见，不登记采纳情况"]}
    assert refusal(
        lambda: svc.review_conclude(
            actor=clerk, review=review, completed_on=d("2026-07-01"), conclusion="lawful"
        )
    ) == {"completed_on": ["审查完成日期不能晚于今天（2026年6月30日）"]}
    svc.review_start(actor=clerk, review=review, started_on=d("2026-06-03"))
    assert refusal(
        lambda: svc.review_conclude(
            actor=clerk, review=fresh(review), completed_on=d("2026-06-02"), conclusion="lawful"
        )
    ) == {"completed_on": ["审查完成日期不能早于开始审查日期（2026年6月3日）"]}
    svc.review_return(
        actor=clerk, review=fresh(review), returned_on=d("2026-06-04"), return_reason="补充依据"
    )
    assert refusal(
        lambda: svc.review_supplement(
            actor=clerk, review=fresh(review), supplemented_on=d("2026-06-03")
        )
    ) == {"supplemented_on": ["收到补充材料日期不能早于退回补充日期（2026年6月4日）"]}
    # a returned item cannot be concluded (state)
    with pytest.raises(ValidationError, match="审查事项当前状态为“退回补充”，不能审查完成"):
        svc.review_conclude(
            actor=clerk, review=fresh(review), completed_on=d("2026-06-05"), conclusion="lawful"
        )


def test_adopt_problem_for_a_declined_item(county: County, make_review: MakeReview) -> None:
    clerk = county.actor("dept_clerk")
    review = svc.review_conclude(
        actor=clerk,
        review=make_review(category="other", title="关于机构调整的请示"),
        completed_on=d("2026-06-02"),
        conclusion=Conclusion.DECLINED,
        reason="属于请示报告，不属于合法性审查范围",
    )
    assert REVIEWS["adopt"].problem is not None
    assert REVIEWS["adopt"].problem(review, d("2026-06-30")) == (
        "不予审查的事项没有审查意见，无需登记采纳情况"
    )
    with pytest.raises(ValidationError, match="无需登记采纳情况"):
        svc.review_adopt(actor=clerk, review=review, adopted=True)
    with pytest.raises(ValidationError, match="当前状态为“已收到”，不能登记意见采纳情况"):
        REVIEWS.run("adopt", actor=clerk, obj=make_review(), adopted=True)


# --- who may register and who may move -----------------------------------------------------
def test_the_submitting_side_registers_but_only_the_reviewing_side_moves(
    county: County, make_review: MakeReview
) -> None:
    # town_a sends an item to the county 司法局 (dept): allowed from the submitter's side
    sent = make_review(persona="clerk_a", unit=county.dept, submitter=county.town_a)
    assert sent.unit == county.dept
    with pytest.raises(PermissionDenied):
        svc.review_conclude(
            actor=county.actor("clerk_a"),
            review=sent,
            completed_on=d("2026-06-05"),
            conclusion="lawful",
        )
    with pytest.raises(PermissionDenied, match="送审单位只能登记送审事项"):
        make_review(persona="clerk_a", unit=county.dept, materials_complete=False)
    with pytest.raises(PermissionDenied, match="都不在您的管理范围内"):
        make_review(persona="clerk_b", unit=county.dept, submitter=county.town_a)
    with pytest.raises(PermissionDenied):
        make_review(persona="leader")  # no right to edit
    # incomplete materials: registered and returned at once
    returned = make_review(materials_complete=False, return_reason="缺少征求意见材料")
    assert (returned.status, returned.returned_on) == (Status.RETURNED, d("2026-06-01"))


# --- the gate (规范性文件 公布, 重大行政决策 集体讨论) -------------------------------------------
def test_lawful_review_problem(county: County, make_review: MakeReview) -> None:
    clerk = county.actor("dept_clerk")
    assert lawful_review_problem(None, action="公布") == (
        "未经合法性审查（或审查结论不是“合法”“修改后合法”），不能公布"
    )
    review = make_review(received_on="2026-06-01")  # 15 wd; 端午 2026-06-19 is a holiday
    assert lawful_review_problem(review, action="提交集体讨论") == (
        "合法性审查尚未完成（审查编号 合审〔2026〕1号，期限 2026-06-23），不能提交集体讨论"
    )
    svc.review_return(actor=clerk, review=review, returned_on=d("2026-06-02"), return_reason="x")
    assert "已退回补充" in lawful_review_problem(fresh(review), action="公布")
    for conclusion, expected in (
        (Conclusion.LAWFUL, ""),
        (Conclusion.AMENDED, ""),
        (Conclusion.UNLAWFUL, "合法性审查结论为“不合法”（审查编号 合审〔2026〕4号），不是“合法”"
         "“修改后合法”，不能公布"),
        (Conclusion.DECLINED, "合法性审查结论为“不予审查”（审查编号 合审〔2026〕5号），不是"
         "“合法”“修改后合法”，不能公布"),
    ):  # fmt: skip
        done = svc.review_conclude(
            actor=clerk,
            review=make_review(received_on="2026-06-01"),
            completed_on=d("2026-06-10"),
            conclusion=conclusion,
            reason="理由",
        )
        assert lawful_review_problem(done, action="公布") == expected, conclusion
