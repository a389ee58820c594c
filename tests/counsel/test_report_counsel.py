"""The 法律顾问 sentence of the annual report draft (fixtures/report_sentences.json, 纲要 chapter
四 行政决策): what the draft writes from the figures, and the work-plan target that maps to the
coverage rate."""

from __future__ import annotations

from decimal import Decimal

from fazhi.reports import drafting, rules
from fazhi.reports.drafting import DraftFigure
from fazhi.reports.tokens import render

P = "counsel."


def figure(code: str, value: str | None, unit: str) -> DraftFigure:
    number = None if value is None else Decimal(value)
    display = "" if number is None else f"{number}{unit}"
    return DraftFigure(
        P + code, P + code, "", 2020, number, display, unit, number or Decimal(0), None, "2025",
        "", 0,
    )  # fmt: skip


def said(*figures: DraftFigure) -> str:
    [spec] = [s for s in rules.figure_sentences() if P + "covered_units" in s["when"]]
    assert spec["chapter"] == 4
    text = drafting._sentence(spec, {f.code: f for f in figures})
    return render(text, {f.code: f.display for f in figures})


def test_the_chapter_four_sentence() -> None:
    full = (
        figure("covered_units", "38", "个"),
        figure("advisers", "41", "人"),
        figure("coverage_rate", "92.7", "%"),
        figure("participations", "356", "件"),
        figure("participations_legality", "120", "件"),
        figure("participations_decision", "0", "件"),
        figure("participations_litigation", "14", "件"),
        figure("participations_contract", "200", "件"),
        figure("participations_petition", "22", "件"),
        figure("participations_investment", None, "件"),
    )
    assert said(*full) == (
        "共有38个单位聘请法律顾问或公职律师，在聘法律顾问41人，法律顾问覆盖率92.7%；"
        "法律顾问参与各类法律事务356件，其中出具合法性审查意见120件、代理诉讼14件、"
        "审查合同200件、参与信访化解22件。"
    )


def test_a_coverage_target_maps_to_the_rate() -> None:
    assert drafting._target_code("法律顾问覆盖率达到100%") == P + "coverage_rate"
