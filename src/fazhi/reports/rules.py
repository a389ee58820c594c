"""The report rules (data, ``fixtures/report_rules.json``): who reports, to whom, by when, and the
draft templates. Law changes by year and province; this file changes, the code does not."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

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
