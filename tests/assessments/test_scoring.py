"""The scoring function (``assessments.scoring``): each rule type, caps per indicator and per
branch (扣完为止), bonus caps, 一票否决, reviewer overrides, grades and ranking — all against
figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fazhi.assessments.scoring import (
    Answer,
    IndicatorSpec,
    ScoringError,
    SystemSpec,
    rank,
    score,
)

D = Decimal


def ind(
    key: str, points: str = "0", rule: str = "", kind: str = "score", **kw: object
) -> IndicatorSpec:
    params = kw.pop("params", {})
    children = kw.pop("children", ())
    cap = kw.pop("cap", None)
    return IndicatorSpec(
        key=key,
        code=key,
        name=f"指标{key}",
        points=D(points),
        kind=kind,
        rule=rule,
        params=params,  # type: ignore[arg-type]
        cap=D(str(cap)) if cap is not None else None,
        figure_name=str(kw.pop("figure_name", "数值")),
        figure_unit=str(kw.pop("figure_unit", "")),
        children=tuple(children),  # type: ignore[arg-type]
    )


def one(spec: IndicatorSpec, answer: Answer | None = None) -> tuple[Decimal, str]:
    out = score(SystemSpec((spec,)), {spec.key: answer} if answer else {})
    line = out.line(spec.key)
    return line.applied, line.reason


def test_threshold_deducts_a_fixed_amount_when_the_requirement_fails() -> None:
    spec = ind(
        "a",
        "35",
        "threshold",
        params={"op": ">=", "target": 100, "deduct": 15},
        figure_name="备案率",
        figure_unit="%",
    )
    assert one(spec, Answer(D("92.5"))) == (D(15), "备案率 92.5%，要求不低于100%：未达到，扣15分")
    assert one(spec, Answer(D("100")))[0] == 0
    # no deduct given: the whole cap
    plain = ind("b", "4", "threshold", params={"op": "<=", "target": 0})
    assert one(plain, Answer(D(1)))[0] == D(4)


def test_linear_between_zero_and_full_either_direction() -> None:
    up = ind("a", "10", "linear", params={"full": 100, "zero": 60}, figure_unit="%")
    assert one(up, Answer(D(90)))[0] == D("2.5")  # (100-90)/(100-60) × 10
    assert one(up, Answer(D(100)))[0] == 0
    assert one(up, Answer(D(50)))[0] == D(10)
    down = ind("b", "6", "linear", params={"full": 0, "zero": 20}, figure_unit="%")
    assert one(down, Answer(D(5)))[0] == D("1.5")  # 5/20 × 6
    assert one(down, Answer(D(25)))[0] == D(6)


def test_per_count_per_occurrence_and_short_of_a_target_with_caps() -> None:
    each = ind("a", "10", "per_count", params={"each": 2}, figure_unit="件")
    assert one(each, Answer(D(3))) == (D(6), "数值 3件，每件扣2分")
    assert one(each, Answer(D(7))) == (D(10), "数值 7件，每件扣2分（上限10分），以10分为限")
    # 开江: 学法 ≥6 a year, −0.3 each missing, capped at 1.2
    study = ind(
        "b", "0", "per_count", params={"each": "0.3", "target": 6}, cap="1.2", figure_unit="次"
    )
    assert one(study, Answer(D(4)))[0] == D("0.6")
    assert one(study, Answer(D(0)))[0] == D("1.2")
    assert one(study, Answer(D(8)))[0] == 0


def test_checklist_deducts_each_item_not_evidenced() -> None:
    spec = ind(
        "a",
        "3",
        "checklist",
        params={"items": [{"text": "年度计划", "deduct": 3}, {"text": "报送备案", "deduct": 1}]},
    )
    assert one(spec, Answer(checks=(True, False))) == (D(1), "缺少佐证：报送备案，扣1分")
    assert one(spec, Answer(checks=(False, False)))[0] == D(3)  # capped at the points
    assert one(spec, Answer(checks=(True, True)))[0] == 0


def test_reviewer_rule_waits_for_the_reviewer_and_stays_within_the_cap() -> None:
    spec = ind("a", "5", "reviewer")
    out = score(SystemSpec((spec,)), {})
    assert out.line("a").pending and out.pending == 1 and out.total == D(5)
    assert one(spec, Answer(reviewer=D("1.5"))) == (D("1.5"), "评审扣1.5分")
    with pytest.raises(ScoringError, match="0～5 分之间"):
        one(spec, Answer(reviewer=D(6)))


def test_missing_figure_deducts_the_cap_and_no_data_deducts_nothing() -> None:
    spec = ind("a", "4", "threshold", params={"op": ">=", "target": 100}, figure_name="出庭率")
    assert one(spec, Answer(None, missing=True)) == (D(4), "应填报而未填报，扣4分")
    assert one(spec, Answer(None)) == (D(0), "出庭率 无可计算的数据（—），不扣分")


def test_branch_caps_its_children_deductions() -> None:
    # 信阳: (一) 规范性文件 35 points; unfiled rate −15; each unlawful document −10
    branch = ind(
        "1",
        "35",
        children=[
            ind("1.1", "0", "threshold", params={"op": ">=", "target": 100, "deduct": 15}),
            ind("1.2", "0", "per_count", params={"each": 10}),
        ],
    )
    system = SystemSpec((branch, ind("2", "65", "reviewer")))
    out = score(system, {"1.1": Answer(D(90)), "1.2": Answer(D(3)), "2": Answer(reviewer=D(0))})
    line = out.line("1")
    assert (line.raw, line.applied, line.score) == (D(45), D(35), D(0))
    assert line.reason == "扣35分（下级扣分合计45分，扣完为止）"
    assert out.total == D(65) and out.full_marks == D(100)


def test_bonus_awards_are_capped_by_the_system() -> None:
    system = SystemSpec(
        (
            ind("1", "100", "reviewer"),
            ind("b1", "2", "threshold", kind="bonus", params={"op": ">=", "target": 1}),
            ind("b2", "3", "per_count", kind="bonus", params={"each": 1}),
        ),
        bonus_cap=D(4),
    )
    answers = {"1": Answer(reviewer=D(10)), "b1": Answer(D(1)), "b2": Answer(D(5))}
    out = score(system, answers)
    assert out.line("b2").applied == D(3)  # its own points
    assert (out.base, out.bonus, out.total) == (D(90), D(4), D(94))  # 2 + 3 → capped at 4


def test_veto_fails_the_whole_result_whatever_the_total() -> None:
    system = SystemSpec(
        (
            ind("1", "100", "reviewer"),
            ind("v", "0", "threshold", kind="veto", params={"op": "<=", "target": 0}),
            ind("w", "0", "reviewer", kind="veto"),
        )
    )
    clean = score(system, {"1": Answer(reviewer=D(0)), "v": Answer(D(0)), "w": Answer(veto=False)})
    assert (clean.total, clean.grade, clean.vetoed) == (D(100), "优秀", False)
    hit = score(system, {"1": Answer(reviewer=D(0)), "v": Answer(D(1)), "w": Answer(veto=False)})
    assert (hit.total, hit.grade, hit.vetoed) == (D(100), "不合格", True)
    assert hit.veto_reasons == ("指标v",)


def test_override_replaces_the_computed_deduction_within_the_cap() -> None:
    spec = ind("a", "5", "per_count", params={"each": 2})
    applied, reason = one(spec, Answer(D(2), override=D(1)))
    assert applied == D(1) and reason.endswith("；评审复核改为扣1分")
    with pytest.raises(ScoringError):
        one(spec, Answer(D(2), override=D(6)))


def test_grades_and_ranking() -> None:
    system = SystemSpec((ind("1", "100", "reviewer"),))
    grades = [score(system, {"1": Answer(reviewer=D(d))}).grade for d in (5, 15, 35, 45)]
    assert grades == ["优秀", "良好", "合格", "不合格"]
    ranks = rank(
        [("a", D(90), False), ("b", D(95), False), ("c", D(99), True), ("d", D(90), False)]
    )
    assert ranks == {"b": 1, "a": 2, "d": 2, "c": 4}


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (ind("a", "5", "nope"), "计分规则“nope”无效"),
        (ind("a", "5", "threshold", params={"op": "≥", "target": 1}), "比较方式"),
        (ind("a", "5", "linear", params={"full": 1, "zero": 1}), "不能相同"),
        (ind("a", "0", "reviewer", kind="bonus"), "须有分值"),
        (ind("a", "0", "per_count", kind="veto", params={"each": 1}), "否决项"),
        (ind("a", "5"), "须有计分规则"),
        (ind("a", "5", "checklist", params={"items": []}), "清单为空"),
    ],
)
def test_bad_indicators_are_refused_by_name(spec: IndicatorSpec, words: str) -> None:
    with pytest.raises(ScoringError, match=words):
        score(SystemSpec((spec,)), {})


def test_a_missing_parameter_is_named_and_a_threshold_needs_something_to_deduct() -> None:
    with pytest.raises(ScoringError, match=r"^指标“指标a”须填写目标值$"):
        score(SystemSpec((ind("a", "5", "threshold", params={"op": ">="}),)), {})
    with pytest.raises(ScoringError, match=r"^指标“指标a”须填写满分值$"):
        score(SystemSpec((ind("a", "5", "linear", params={"zero": 60}),)), {})
    # a 0-point threshold without 扣分 and without a cap would never deduct anything
    bare = ind("a", "0", "threshold", params={"op": ">=", "target": 100})
    with pytest.raises(ScoringError, match="须填写扣分、分值或扣分上限"):
        score(SystemSpec((ind("1", "10", children=[bare]),)), {})


def test_a_missing_veto_figure_waits_for_the_reviewer_then_follows_the_finding() -> None:
    veto = ind("v", "0", "threshold", kind="veto", params={"op": "<=", "target": 0})
    system = SystemSpec((ind("1", "100", "reviewer"), veto))
    done = Answer(reviewer=D(0))
    waiting = score(system, {"1": done, "v": Answer(None, missing=True)})
    assert waiting.pending == 1 and waiting.line("v").reason == "未填报，待评审认定"
    hit = score(system, {"1": done, "v": Answer(None, missing=True, veto=True)})
    assert (hit.pending, hit.vetoed, hit.grade) == (0, True, "不合格")
    assert hit.line("v").reason == "未填报；评审认定：一票否决"
    cleared = score(system, {"1": done, "v": Answer(None, missing=True, veto=False)})
    assert (cleared.pending, cleared.vetoed, cleared.grade) == (0, False, "优秀")


def test_a_bonus_branch_caps_its_childrens_awards_before_the_system_cap() -> None:
    # 加分项 4 points: awards 3 + 2 = 5 → 4 for the branch; then the system's cap of 6
    bonus = ind(
        "b",
        "4",
        kind="bonus",
        children=[
            ind("b1", "3", "reviewer", kind="bonus"),
            ind("b2", "2", "per_count", kind="bonus", params={"each": 1}),
        ],
    )
    system = SystemSpec((ind("1", "100", "reviewer"), bonus), bonus_cap=D(6))
    out = score(
        system, {"1": Answer(reviewer=D(10)), "b1": Answer(reviewer=D(3)), "b2": Answer(D(2))}
    )
    assert (out.line("b").raw, out.line("b").applied) == (D(5), D(4))
    assert out.line("b").reason == "加4分（下级加分合计5分，以4分为限）"
    assert (out.base, out.bonus, out.total) == (D(90), D(4), D(94))


def test_a_top_level_deduction_section_takes_its_deductions_from_the_total() -> None:
    # 五、扣分项 (no points of its own): 被通报批评 每次扣2分
    section = ind("5", "0", children=[ind("5.1", "0", "per_count", params={"each": 2})])
    system = SystemSpec((ind("1", "100", "reviewer"), section))
    out = score(system, {"1": Answer(reviewer=D(5)), "5.1": Answer(D(3))})
    assert out.line("5").applied == D(6) and out.line("5").score is None
    assert (out.base, out.total, out.full_marks) == (D(89), D(89), D(100))


def test_a_bonus_never_counts_what_is_missing() -> None:
    # a checklist or a per-count with a target counts the shortfall: as an award it would pay
    # the unit for what it did not do
    checklist = ind(
        "a", "2", "checklist", kind="bonus", params={"items": [{"text": "x", "deduct": 1}]}
    )
    short = ind("b", "2", "per_count", kind="bonus", params={"each": 1, "target": 3})
    for spec in (checklist, short):
        with pytest.raises(ScoringError, match="不能按佐证清单或“每少一次”计分"):
            score(SystemSpec((spec,)), {})
    each = ind("c", "2", "per_count", kind="bonus", params={"each": 1})
    assert score(SystemSpec((each,)), {"c": Answer(D(1))}).bonus == D(1)
