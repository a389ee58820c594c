"""The report rules (data, ``fixtures/report_rules.json``): who reports, to whom, by when, and the
draft templates. Law changes by year and province; this file changes, the code does not.

The sentences the draft writes from the registers' figures (``figure_sentences``,
``part3_figures``, ``targets``) ship with the registers: each kit's ``report_sentences`` file
(e.g. ``reconsideration/fixtures/report_sentences.json``) adds its entries after those of
``report_rules.json``, in kit order (:func:`figure_sentences`, :func:`part3_figures`,
:func:`targets`). A file the drafter cannot use raises :class:`~fazhi.core.kit.KitError`
naming the file and the entry.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fazhi.core.kit import AppKit, KitError, kit_json, kits
from fazhi.orgs.models import OrgUnit

RULES_FILE = Path(__file__).parent / "fixtures" / "report_rules.json"
NUMERALS = "一二三四五六七八九十"


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return data


def version() -> str:
    return str(rules()["version"])


def reporting_kinds() -> tuple[str, ...]:
    """Unit kinds that must write an annual report."""
    return tuple(rules()["kinds"])


def must_report(unit: OrgUnit) -> bool:
    return unit.kind in rules()["kinds"]


def kind_rules(unit: OrgUnit) -> dict[str, Any]:
    found: dict[str, Any] | None = rules()["kinds"].get(unit.kind)
    if found is None:
        raise ValueError(f"“{unit.name}”的单位类别无须编写法治政府建设年度报告")
    return found


def template(unit: OrgUnit) -> dict[str, Any]:
    key = kind_rules(unit)["template"]
    found: dict[str, Any] = rules()["templates"][key]
    return found


def template_key(unit: OrgUnit) -> str:
    return str(kind_rules(unit)["template"])


def part_heading(number: int) -> str:
    return f"{NUMERALS[number - 1]}、{rules()['parts'][str(number)]}"


def numeral(n: int) -> str:
    """1 → 一 … 99 → 九十九 (for （一） sub-headings)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else NUMERALS[tens - 1]
    return head + "十" + (NUMERALS[ones - 1] if ones else "")


def _before(year: int, month_day: str) -> dt.date:
    """“次年 M月D日之前”: the last allowed day is the day before."""
    month, day = (int(x) for x in month_day.split("-"))
    return dt.date(year + 1, month, day) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Deadlines:
    submit_due: dt.date
    publish_due: dt.date
    submit_basis: str
    publish_basis: str
    demonstration: bool


def deadlines(unit: OrgUnit, year: int) -> Deadlines:
    """Due dates of the report on ``year`` (submitting and publishing happen in ``year + 1``)."""
    kind = kind_rules(unit)
    submit, basis = _before(year, kind["submit_before"]), kind["submit_basis"]
    demo = bool(unit.demonstration_area)
    if demo:
        extra = rules()["demonstration"]
        submit, basis = _before(year, extra["submit_before"]), extra["basis"]
    return Deadlines(
        submit_due=submit,
        publish_due=_before(year, kind["publish_before"]),
        submit_basis=basis,
        publish_basis=kind["publish_basis"],
        demonstration=demo,
    )


def recipients(unit: OrgUnit) -> tuple[list[str], list[str]]:
    """(报送, 抄送) for ``unit`` by kind and level; 示范地区 add the 中央依法治国办."""
    kind = kind_rules(unit)
    by_level = kind.get("recipients_by_level", {}).get(unit.level, {})
    to = list(by_level.get("recipients", kind["recipients"]))
    cc = list(by_level.get("copy_to", kind["copy_to"]))
    if unit.demonstration_area:
        to += [r for r in rules()["demonstration"]["recipients"] if r not in to]
    return to, cc


def meeting(unit: OrgUnit) -> str:
    return str(kind_rules(unit).get("meeting", ""))


def warn_days() -> int:
    return int(rules().get("warn_days", 15))


def same_shape() -> dict[str, Any]:
    """When the completeness check calls a part's sentences one pattern (see selectors)."""
    found: dict[str, Any] = rules().get("same_shape", {"sentences": 4, "chars": 6})
    return found


# --- the sentences of the figures (report_rules.json, then every kit's report_sentences) -------
SENTENCE_KEYS = ("figure_sentences", "part3_figures", "targets")
#: Comparisons a clause's ``if`` may make (``{"code": …, "op": "=", "value": 100}``).
COMPARISONS = (">=", ">", "<=", "<", "=")


def figure_sentences() -> list[dict[str, Any]]:
    """Part 一's figure sentences: ``report_rules.json``'s, then each kit's, in kit order."""
    return _merged("figure_sentences")


def part3_figures() -> list[dict[str, Any]]:
    """Part 三's figure sentences: ``report_rules.json``'s, then each kit's, in kit order."""
    return _merged("part3_figures")


def targets() -> list[dict[str, Any]]:
    """Plan target keywords → metric code (the first rule whose keywords all occur wins):
    ``report_rules.json``'s, then each kit's, in kit order."""
    return _merged("targets")


def _merged(key: str) -> list[dict[str, Any]]:
    shared: list[dict[str, Any]] = list(rules().get(key, []))
    own = [entry for kit in kits() if kit.report_sentences for entry in _kit_file(kit)[key]]
    return shared + own


#: The kits' sentence files as read and checked, by (path, modification time).
_READ: dict[tuple[str, int], dict[str, Any]] = {}


def _kit_file(kit: AppKit) -> dict[str, Any]:
    path = kit.package_path() / kit.report_sentences
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError:
        key = (str(path), -1)  # kit_json says what is wrong
    if key not in _READ:
        _READ[key] = sentence_file(*kit_json(kit, kit.report_sentences))
    return _READ[key]


def sentence_file(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The three lists of a kit's sentence file, checked; :class:`KitError` names the file and
    the entry the drafter could not use."""

    def fail(where: str, problem: str) -> KitError:
        return KitError(f"年度报告语句文件 {path}：{where}{problem}")

    unknown = sorted(set(data) - {*SENTENCE_KEYS, "version", "note"})
    if unknown:
        raise fail("", f"不认识的键 {'、'.join(unknown)}（可用：{'、'.join(SENTENCE_KEYS)}）")
    if "figure_sentences" not in data:
        raise fail("", "缺少 figure_sentences")
    checks: dict[str, Callable[[Any], str]] = {
        "figure_sentences": _sentence_problem,
        "part3_figures": _part3_problem,
        "targets": _target_problem,
    }
    found: dict[str, Any] = {}
    for key, check in checks.items():
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise fail(key, " 应为列表")
        for n, entry in enumerate(entries, start=1):
            problem = check(entry) if isinstance(entry, dict) else "应为 JSON 对象"
            if problem:
                raise fail(f"{key} 第 {n} 项", problem)
        found[key] = entries
    return found


def _chapters() -> set[int]:
    return {int(c["chapter"]) for t in rules()["templates"].values() for c in t["chapters"]}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _sentence_problem(spec: dict[str, Any]) -> str:
    chapter = spec.get("chapter")
    if not isinstance(chapter, int) or chapter not in _chapters():
        return f"的 chapter 应为模板中的纲要章节号（{'、'.join(map(str, sorted(_chapters())))}）"
    if not _when(spec.get("when")):
        return "缺少 when（决定是否写这句话的指标编码，或编码的列表）"
    groups = spec.get("groups")
    if not isinstance(groups, list) or not groups:
        return "的 groups 应为分句组的列表"
    for group in groups:
        if not isinstance(group, list) or not group:
            return "的 groups 中每组应为分句的列表"
        for clause in group:
            problem = _clause_problem(clause)
            if problem:
                return problem
    return ""


def _clause_problem(clause: Any) -> str:
    """A clause is a text, or an object: ``{"list": [items], "lead": "其中", "sep": "、"}`` or
    ``{"text": …}``, either with an optional ``"if": {"code", "op", "value"}``."""
    if isinstance(clause, str):
        return "" if clause.strip() else "有空的分句"
    if not isinstance(clause, dict):
        return "的分句应为文字或 JSON 对象"
    unknown = sorted(set(clause) - {"list", "lead", "sep", "text", "if"})
    if unknown:
        return f"的分句有不认识的键 {'、'.join(unknown)}"
    if ("list" in clause) == ("text" in clause):
        return "的分句对象应有 list（列举项）或 text（文字）之一"
    if "list" in clause:
        items = clause["list"]
        if not isinstance(items, list) or not items or not all(map(_text, items)):
            return "的分句 list 应为非空文字的列表"
        if not all(isinstance(clause.get(k, ""), str) for k in ("lead", "sep")):
            return "的分句 lead、sep 应为文字"
    elif not _text(clause["text"]):
        return "的分句 text 应为非空文字"
    condition = clause.get("if")
    if condition is not None:
        ok = (
            isinstance(condition, dict)
            and _text(condition.get("code"))
            and condition.get("op") in COMPARISONS
            and isinstance(condition.get("value"), int | float)
        )
        if not ok:
            ops = "/".join(COMPARISONS)
            return f'的分句 if 应为 {{"code": 指标编码, "op": {ops}, "value": 数值}}'
    return ""


def _when(value: Any) -> bool:
    """A metric code, or a non-empty list of them (the sentence is said if one is not zero)."""
    if isinstance(value, list):
        return bool(value) and all(map(_text, value))
    return _text(value)


def _part3_problem(spec: dict[str, Any]) -> str:
    if not _when(spec.get("when")) or not _text(spec.get("text")):
        return "应有 when（指标编码）和 text（句子）"
    return ""


def _target_problem(spec: dict[str, Any]) -> str:
    keywords = spec.get("keywords")
    if not isinstance(keywords, list) or not keywords or not all(map(_text, keywords)):
        return "的 keywords 应为非空文字的列表"
    if not _text(spec.get("code")):
        return "缺少 code（指标编码）"
    return ""
