"""The pure scoring function and the 扣分规则 grammar (no database), and grade thresholds per
province (data)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.personas import County

from fazhi.case_review import scoring
from fazhi.case_review import services as svc
from fazhi.case_review.models import GradeThreshold
from fazhi.case_review.rules import Rule, parse_rule
from fazhi.case_review.scoring import ItemSpec, Mark, PartSpec, ScoringError, StandardSpec, score

from .conftest import small_parts

D = Decimal


def spec(excellent: str = "90", passing: str = "60") -> StandardSpec:
    return StandardSpec(
        parts=[
            PartSpec("基本标准", D(0), [ItemSpec("v1", "主体不合法", D(0), "veto")]),
            PartSpec(
                "卷面标准",
                D(20),
                [
                    ItemSpec("f", "文书格式", D(2), "fixed", amount=D(2)),
                    ItemSpec("p", "文书填写", D(4), "per_instance", amount=D(1)),
                    ItemSpec("r", "组卷", D(3), "range", low=D(1), high=D(3)),
                    ItemSpec("big", "签章", D(15), "per_instance", amount=D(5)),
                ],
            ),
            PartSpec(
                "内容标准",
                D(80),
                [
                    ItemSpec("k", "无管辖权", D(10), "fixed", amount=D(10)),
                    ItemSpec("s", "强制措施", D(15), "range", low=D(5), high=D(15)),
                ],
            ),
        ],
        excellent_min=D(excellent),
        pass_min=D(passing),
    )


def test_no_marks_full_marks_excellent() -> None:
    r = score(spec(), {})
    assert (r.total, r.grade, r.veto) == (D(100), "excellent", False)
    assert [p.score for p in r.parts] == [D(0), D(20), D(80)]


def test_veto_item_sets_fail_and_zero_whatever_else() -> None:
    r = score(spec(), {"v1": Mark(veto=True), "f": Mark(instances=1)})
    assert (r.total, r.grade, r.grade_label, r.veto) == (D(0), "fail", "不合格", True)
    assert r.vetoed_by == ("主体不合法",)


def test_fixed_deduction_once() -> None:
    r = score(spec(), {"f": Mark(instances=3)})  # a fixed rule: −2 once, whatever the count
    assert r.item("f").deducted == D(2)
    assert r.total == D(98)


def test_per_instance_deductions() -> None:
    r = score(spec(), {"p": Mark(instances=3)})
    assert (r.item("p").raw, r.item("p").deducted, r.total) == (D(3), D(3), D(97))


def test_deduction_capped_at_the_item() -> None:
    r = score(spec(), {"p": Mark(instances=7)})  # 7 × 1 = 7, item 分值 4
    assert (r.item("p").raw, r.item("p").deducted) == (D(7), D(4))
    assert r.total == D(96)


def test_deductions_capped_at_the_part() -> None:
    # 卷面 20: 2 + 4 (capped from 6) + 3 + 15 (capped from 20) = 24 → the part stops at 0
    r = score(spec(), {"f": Mark(1), "p": Mark(6), "r": Mark(amount=D(3)), "big": Mark(4)})
    part = r.parts[1]
    assert (part.deducted, part.score) == (D(20), D(0))
    assert r.total == D(80)
    assert r.grade == "pass"


def test_range_within_limits() -> None:
    assert score(spec(), {"s": Mark(amount=D("7.5"))}).total == D("92.5")
    with pytest.raises(ScoringError, match="5～15"):
        score(spec(), {"s": Mark(amount=D(4))})
    with pytest.raises(ScoringError, match="5～15"):
        score(spec(), {"s": Mark(amount=D(16))})


def test_marks_that_do_not_fit_the_rule_are_refused() -> None:
    with pytest.raises(ScoringError, match="否决项"):
        score(spec(), {"v1": Mark(instances=1)})
    with pytest.raises(ScoringError, match="不是否决项"):
        score(spec(), {"f": Mark(veto=True)})
    with pytest.raises(ScoringError, match="处数"):
        score(spec(), {"p": Mark(amount=D(1))})
    with pytest.raises(ScoringError, match="不在"):
        score(spec(), {"zz": Mark(1)})


def test_grades_follow_the_thresholds() -> None:
    marks = {"k": Mark(1), "p": Mark(2)}  # 100 − 10 − 2 = 88
    assert score(spec(), marks).grade == "pass"
    assert score(spec(excellent="85"), marks).grade == "excellent"
    assert score(spec(passing="89", excellent="95"), marks).grade == "fail"
    assert score(spec(excellent="88"), marks).grade == "excellent"  # ≥ is inclusive


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("扣2分", Rule("fixed", amount=D(2))),
        ("扣0.5分", Rule("fixed", amount=D("0.5"))),
        (" 扣 -3 分", Rule("fixed", amount=D(3))),
        ("每处扣1分", Rule("per_instance", amount=D(1))),
        ("每项扣0.5分", Rule("per_instance", amount=D("0.5"))),
        ("扣5-15分", Rule("range", low=D(5), high=D(15))),
        ("扣0.5～2分", Rule("range", low=D("0.5"), high=D(2))),
        ("扣1至5分", Rule("range", low=D(1), high=D(5))),
        ("否决", Rule("veto")),
    ],
)
def test_rule_grammar(text: str, rule: Rule) -> None:
    assert parse_rule(text) == rule
    assert parse_rule(rule.text()) == rule  # the written form reads back


@pytest.mark.parametrize("text", ["", "酌情扣分", "扣分", "扣5-2分", "每处扣", "扣0分", "扣1.25分"])
def test_rule_grammar_refusals(text: str) -> None:
    with pytest.raises(ValueError, match="扣分"):
        parse_rule(text)


@pytest.mark.django_db
def test_thresholds_per_province(county: County) -> None:
    """Data rows per province: a 湖南 (43) standard takes 85/70, another province the default."""
    GradeThreshold.objects.update_or_create(
        province_code="43", defaults={"excellent_min": D(85), "pass_min": D(70)}
    )
    actor = county.actor("dept_clerk")
    hunan = svc.standard_create(
        actor=actor, owner=county.dept, name="湖南标准", parts=small_parts(), province_code="43"
    )
    other = svc.standard_create(
        actor=actor, owner=county.dept, name="河南标准", parts=small_parts(), province_code="41"
    )
    assert (hunan.excellent_min, hunan.pass_min) == (D(85), D(70))
    assert (other.excellent_min, other.pass_min) == (D(90), D(60))  # the default row (shipped data)
    ids = {i.name: str(i.pk) for p in hunan.parts.all() for i in p.items.all()}
    marks = {ids["无管辖权"]: Mark(1), ids["强制措施"]: Mark(amount=D(8))}  # 100 − 10 − 8 = 82
    assert score(hunan.spec(), marks).grade == "pass"
    ids = {i.name: str(i.pk) for p in other.parts.all() for i in p.items.all()}
    marks = {ids["无管辖权"]: Mark(1), ids["强制措施"]: Mark(amount=D(8))}
    assert score(other.spec(), marks).grade == "pass"
    marks[ids["强制措施"]] = Mark(amount=D(15))  # 75: 合格 under the default, 合格 in 43 too
    assert score(other.spec(), marks).total == D(75)
    hunan_ids = {i.name: str(i.pk) for p in hunan.parts.all() for i in p.items.all()}
    low = {
        hunan_ids["无管辖权"]: Mark(1),
        hunan_ids["强制措施"]: Mark(amount=D(15)),
        hunan_ids["无立案表"]: Mark(3),
    }
    other_low = {
        ids["无管辖权"]: Mark(1),
        ids["强制措施"]: Mark(amount=D(15)),
        ids["无立案表"]: Mark(3),
    }
    # 100 − 10 − 15 − 6 = 69: 不合格 in 湖南 (合格 ≥ 70), 合格 elsewhere (≥ 60)
    assert score(hunan.spec(), low).grade == "fail"
    assert score(other.spec(), other_low).grade == "pass"


def test_grade_labels() -> None:
    assert scoring.GRADE_LABELS == {"excellent": "优秀", "pass": "合格", "fail": "不合格"}
