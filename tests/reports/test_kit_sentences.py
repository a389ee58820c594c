"""The annual report's figure sentences ship with the registers (kit ``report_sentences``): merged
after report_rules.json's entries in kit order, checked with errors naming the file and the
entry; the clause kinds (text, ``list`` of categories without the empty ones, ``if``); every
shipped file names metrics that exist, and the checker reads the existing registers' sentences
back to their codes."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fazhi.core.kit import AppKit, KitError, kits
from fazhi.metrics.services import DEFINITIONS_FIXTURE
from fazhi.reports import drafting, rules
from fazhi.reports.apps import sentence_files_check
from fazhi.reports.checker import check_text
from fazhi.reports.drafting import DraftFigure
from fazhi.reports.tokens import codes_in, render

SHARED = Path(rules.__file__).parent / "fixtures" / "report_rules.json"


def sentence(when: str | list[str], *groups: list[Any], chapter: int = 3) -> dict[str, Any]:
    return {"chapter": chapter, "when": when, "none": "", "groups": [list(g) for g in groups]}


@pytest.fixture
def kit_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``install({app: data or raw text, …})``: those apps' kits (in the given order) with a
    sentence file each, in place of the real ones."""

    def install(files: dict[str, Any]) -> list[AppKit]:
        declared = []
        for order, (app, data) in enumerate(files.items()):
            folder = tmp_path / app / "fixtures"
            folder.mkdir(parents=True)
            text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
            (folder / "report_sentences.json").write_text(text, encoding="utf-8")
            declared.append(
                AppKit(app=app, order=order, report_sentences="fixtures/report_sentences.json")
            )
        monkeypatch.setattr(AppKit, "package_path", lambda self: tmp_path / self.app)
        monkeypatch.setattr(rules, "kits", lambda: declared)
        return declared

    return install


# --- the merge ----------------------------------------------------------------------------------
def test_kit_entries_follow_the_shared_ones_in_kit_order(
    kit_files: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = {**rules.rules(), "figure_sentences": [sentence("shared.a", ["共{{shared.a}}"])]}
    shared["targets"] = [{"keywords": ["共用率"], "code": "shared.rate"}]
    monkeypatch.setattr(rules, "rules", lambda: shared)
    first = {
        "version": "1",
        "figure_sentences": [
            sentence("one.a", ["甲{{one.a}}"]),
            sentence("one.b", ["乙{{one.b}}"]),
        ],
        "part3_figures": [{"when": "one.a", "text": "第三部分{{one.a}}。"}],
    }
    second = {
        "figure_sentences": [sentence("two.a", ["丙{{two.a}}"], chapter=4)],
        "targets": [{"keywords": ["丙率"], "code": "two.rate"}],
    }
    kit_files({"one": first, "two": second})
    assert [s["when"] for s in rules.figure_sentences()] == ["shared.a", "one.a", "one.b", "two.a"]
    assert rules.part3_figures() == [{"when": "one.a", "text": "第三部分{{one.a}}。"}]
    assert [t["code"] for t in rules.targets()] == ["shared.rate", "two.rate"]


def test_a_kit_without_sentences_adds_none(kit_files: Any) -> None:
    declared = kit_files({"one": {"figure_sentences": [sentence("one.a", ["甲{{one.a}}"])]}})
    declared.append(AppKit(app="two", order=9))
    assert [s["when"] for s in rules.figure_sentences()] == ["one.a"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"figure_sentences": [', "不是有效的 JSON：第 1 行第 23 列"),
        ("[]", "应为一个 JSON 对象"),
        ({"sentences": []}, "不认识的键 sentences"),
        ({"part3_figures": []}, "缺少 figure_sentences"),
        ({"figure_sentences": {}}, "figure_sentences 应为列表"),
        ({"figure_sentences": [sentence("a.b", ["x"], chapter=11)]}, "第 1 项的 chapter 应为"),
        ({"figure_sentences": [{**sentence("a.b", ["x"]), "when": ""}]}, "第 1 项缺少 when"),
        ({"figure_sentences": [sentence([], ["x"])]}, "第 1 项缺少 when"),
        (
            {"figure_sentences": [sentence("a.b", ["x"]), sentence("a.c", [{"list": []}])]},
            "figure_sentences 第 2 项的分句 list 应为非空文字的列表",
        ),
        (
            {"figure_sentences": [sentence("a.b", [{"list": ["x"], "text": "y"}])]},
            "应有 list（列举项）或 text（文字）之一",
        ),
        (
            {"figure_sentences": [sentence("a.b", [{"text": "y", "if": {"code": "a.b"}}])]},
            "的分句 if 应为",
        ),
        ({"figure_sentences": [], "part3_figures": [{"when": "a.b"}]}, "part3_figures 第 1 项"),
        ({"figure_sentences": [], "targets": [{"keywords": [], "code": "a"}]}, "targets 第 1 项"),
    ],
)
def test_a_broken_file_fails_naming_the_file(kit_files: Any, content: Any, expected: str) -> None:
    kit_files({"good": {"figure_sentences": []}, "broken": content})
    with pytest.raises(KitError) as failed:
        rules.figure_sentences()
    message = str(failed.value)
    assert "broken/fixtures/report_sentences.json" in message, message
    assert expected in message, message


def test_a_missing_file_names_the_app_and_the_file(kit_files: Any) -> None:
    declared = kit_files({})
    declared.append(AppKit(app="gone", report_sentences="fixtures/report_sentences.json"))
    with pytest.raises(KitError, match=r"应用 gone 的 kit 文件 .*gone/fixtures/report_sentences"):
        rules.figure_sentences()


# --- the clauses --------------------------------------------------------------------------------
def figure(code: str, value: int | str | None, unit: str = "件") -> DraftFigure:
    number = None if value is None else Decimal(value)
    display = "" if number is None else f"{number}{unit}"
    return DraftFigure(
        code, code, "", 2020, number, display, unit, number or Decimal(0), None, "2025", "", 0
    )


ALL_ON_TIME = {"code": "l.on_time", "op": "=", "value": 100}
SOME_LATE = {"code": "l.on_time", "op": "<", "value": 100}
BY_CATEGORY = sentence(
    "l.total",
    [
        "本年度共审核文件{{l.total}}",
        {"lead": "其中", "list": ["规范性文件{{l.norm}}", "合同{{l.contract}}", "纪要{{l.mi}}"]},
        {"text": "均在规定时间内提出意见", "if": ALL_ON_TIME},
        {"text": "按期审核率{{l.on_time}}", "if": SOME_LATE},
    ],
    ["提出不合法意见{{l.unlawful}}"],
)


def said(spec: dict[str, Any], *figures: DraftFigure) -> str:
    """The sentence as the draft shows it (tokens replaced by the figures)."""
    text = drafting._sentence(spec, {f.code: f for f in figures})
    return render(text, {f.code: f.display for f in figures})


def test_the_categories_with_none_are_left_out() -> None:
    on_time = figure("l.on_time", "100.0", "%")
    assert said(
        BY_CATEGORY, figure("l.total", 9), figure("l.norm", 4), figure("l.contract", 0),
        figure("l.mi", 5), on_time, figure("l.unlawful", 0),
    ) == "本年度共审核文件9件，其中规范性文件4件、纪要5件，均在规定时间内提出意见。"  # fmt: skip
    # no category with a value: no "其中"; a rate under 100 is said as a figure
    assert said(
        BY_CATEGORY, figure("l.total", 9), figure("l.norm", 0), figure("l.contract", None),
        figure("l.on_time", "87.5", "%"), figure("l.unlawful", 2),
    ) == "本年度共审核文件9件，按期审核率87.5%；提出不合法意见2件。"  # fmt: skip
    # the rate missing: neither conditional clause
    assert said(BY_CATEGORY, figure("l.total", 3), figure("l.contract", 3)) == (
        "本年度共审核文件3件，其中合同3件。"
    )
    assert said(BY_CATEGORY, figure("l.total", 0), figure("l.norm", 4)) == ""


def test_a_list_takes_its_separator_and_condition() -> None:
    spec = sentence(
        "a.n",
        ["共{{a.n}}"],
        [{"lead": "分别为", "sep": "，", "list": ["甲{{a.x}}", "乙{{a.y}}"],
          "if": {"code": "a.n", "op": ">=", "value": 2}}],
    )  # fmt: skip
    assert said(spec, figure("a.n", 2), figure("a.x", 1), figure("a.y", 1)) == (
        "共2件；分别为甲1件，乙1件。"
    )
    assert said(spec, figure("a.n", 1), figure("a.x", 1)) == "共1件。"


def test_a_sentence_is_said_when_one_of_its_figures_is_not_zero() -> None:
    spec = sentence(
        ["c.keep", "c.repeal"], ["开展清理", {"list": ["继续有效{{c.keep}}", "废止{{c.repeal}}"]}]
    )
    assert said(spec, figure("c.keep", 0), figure("c.repeal", 2)) == "开展清理，废止2件。"
    assert said(spec, figure("c.keep", 0), figure("c.repeal", None)) == ""


# --- the files shipped --------------------------------------------------------------------------
def _all_codes(entry: dict[str, Any]) -> list[str]:
    when = entry.get("when", [])
    found = [when] if isinstance(when, str) else list(when)
    text = json.dumps(entry, ensure_ascii=False)
    found += re.findall(r'"code": "([^"]+)"', text)
    return found + codes_in(text)


def test_every_shipped_sentence_names_a_defined_metric() -> None:
    """Each kit's file loads, and every code it names (``when``, tokens, ``if``, targets) is a
    metric of the definitions fixtures (a renamed metric fails here, not in a county's draft)."""
    defined = {d["code"] for d in json.loads(DEFINITIONS_FIXTURE.read_text())["definitions"]}
    declared = [k.app for k in kits() if k.report_sentences]
    assert {"reconsideration", "litigation", "plans"} <= set(declared)
    entries = [*rules.figure_sentences(), *rules.part3_figures(), *rules.targets()]
    unknown = sorted({c for e in entries for c in _all_codes(e)} - defined)
    assert unknown == []


def test_the_existing_registers_sentences_in_their_former_order() -> None:
    """What report_rules.json held before the sentences moved to the kits, in the same order."""
    assert json.loads(SHARED.read_text(encoding="utf-8"))["figure_sentences"] == []
    known = ("reconsideration.", "litigation.", "plans.")
    theirs = [s for s in rules.figure_sentences() if str(s["when"]).startswith(known)]
    assert [s["when"] for s in theirs] == [
        "reconsideration.received",
        "reconsideration.respondent_cases",
        "litigation.cases",
        "plans.assignments_due",
    ]
    assert [s["chapter"] for s in theirs] == [7, 7, 7, 10]
    assert [s["when"] for s in rules.part3_figures()] == ["litigation.cases"]
    assert {t["code"] for t in rules.targets()} >= {
        "litigation.head_rate_case",
        "reconsideration.correction_rate",
        "litigation.loss_rate",
        "reconsideration.on_time_rate",
        "reconsideration.resolution_rate",
        "plans.on_time_rate",
    }


def test_the_checker_reads_the_existing_registers_sentences_back() -> None:
    """Every clause the drafter can write for 复议, 应诉 and 计划 maps to the code of its token
    (the checker's keyword rules know these registers), with a sample value in its unit."""
    units = {"rate": "%", "avg_days": "天", "plans.": "项"}

    def sample(code: str) -> str:
        return f"{7 + len(code) % 5}{next((u for k, u in units.items() if k in code), '件')}"

    known = ("reconsideration.", "litigation.", "plans.")
    specs = [s for s in rules.figure_sentences() if str(s["when"]).startswith(known)]
    assert len(specs) == 4
    for spec in specs:
        text = "；".join("，".join(group) for group in spec["groups"]) + "。"
        rendered = re.sub(r"\{\{([^}]+)\}\}", lambda m: sample(m.group(1)), text)
        assert [f.metric_code for f in check_text(rendered).figures] == codes_in(text), rendered
    for spec in rules.part3_figures():
        rendered = re.sub(r"\{\{([^}]+)\}\}", lambda m: sample(m.group(1)), spec["text"])
        assert [f.metric_code for f in check_text(rendered).figures] == codes_in(spec["text"])


@pytest.mark.parametrize(
    ("clause", "code"),
    [
        # the existing registers' targets, as before they moved to the kits
        ("行政机关负责人出庭应诉率达到100%", "litigation.head_rate_case"),
        ("行政复议纠错率控制在15%以内", "reconsideration.correction_rate"),
        ("行政诉讼败诉率低于10%", "litigation.loss_rate"),
        ("行政复议案件法定期限内结案率达到100%", "reconsideration.on_time_rate"),
        ("行政争议实质性化解率达到60%", "reconsideration.resolution_rate"),
        ("年度任务按期完成率达到95%", "plans.on_time_rate"),
        # issue 16
        ("规范性文件备案及时率达到100%", "normative_docs.filing_on_time_rate"),
        ("规范性文件报备率达到100%", "normative_docs.filing_rate"),
        ("行政规范性文件合法性审核率达到100%", "normative_docs.review_rate"),
        ("合法性审查按期完成率达到100%", "legality.on_time_rate"),
        ("重大行政决策法定程序履行率达到100%", "decisions.procedure_rate"),
        ("开展规范性文件清理", None),
    ],
)
def test_plan_targets_map_to_the_registers_metrics(clause: str, code: str | None) -> None:
    assert drafting._target_code(clause) == code


def test_the_system_check_names_a_broken_file(kit_files: Any) -> None:
    assert sentence_files_check() == []  # every kit's file as shipped
    kit_files({"broken": {"figure_sentences": [sentence("a.b", [""])]}})
    (error,) = sentence_files_check()
    assert error.id == "reports.E001"
    assert "broken/fixtures/report_sentences.json：figure_sentences 第 1 项有空的分句" in error.msg
