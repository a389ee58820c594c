"""The 行政执法培训 sentences of the annual report draft (fixtures/report_sentences.json,
纲要 chapter 五): what the draft writes from the figures, and the work-plan target that maps to
培训学时达标率."""

from __future__ import annotations

from decimal import Decimal

from fazhi.reports import drafting, rules
from fazhi.reports.drafting import DraftFigure
from fazhi.reports.tokens import render

P = "enforcement_training."


def figure(code: str, value: str | None, unit: str) -> DraftFigure:
    number = None if value is None else Decimal(value)
    display = "" if number is None else f"{number}{unit}"
    return DraftFigure(
        P + code, P + code, "", 2020, number, display, unit, number or Decimal(0), None, "2025",
        "", 0,
    )  # fmt: skip


def said(*figures: DraftFigure) -> str:
    [spec] = [s for s in rules.figure_sentences() if P + "courses" in s["when"]]
    assert spec["chapter"] == 5
    text = drafting._sentence(spec, {f.code: f for f in figures})
    return render(text, {f.code: f.display for f in figures})


def test_the_chapter_five_sentence() -> None:
    full = (
        figure("courses", "10", "期"),
        figure("met_rate", "91.2", "%"),
        figure("hours", "38420.0", "学时"),
        figure("exams", "2", "场"),
        figure("exam_pass_rate", "93.5", "%"),
    )
    assert said(*full) == (
        "组织行政执法人员培训10期，培训学时达标率91.2%，累计培训38420.0学时；"
        "组织执法考试2场，合格率93.5%。"
    )
    no_exam = (*full[:3], figure("exams", "0", "场"), figure("exam_pass_rate", None, "%"))
    assert said(*no_exam) == (
        "组织行政执法人员培训10期，培训学时达标率91.2%，累计培训38420.0学时。"
    )


def test_a_training_target_maps_to_the_met_rate() -> None:
    assert drafting._target_code("行政执法人员培训学时达标率达到100%") == P + "met_rate"
