"""Part 三 (第一责任人职责) of the annual report, written from the 述法 records.

:func:`part3_lines` (kit hook ``report_part3``): one line per held 述法 of ``unit``'s own
principal heads in ``year`` (date, post and name — public in such reports —, form, whether
the material was reviewed beforehand, the 评议 result), then one line for the subtree with
frozen figure tokens (only for the metrics the report has).
"""

from __future__ import annotations

from collections.abc import Collection

from fazhi.orgs.models import OrgUnit, UnitLevel
from fazhi.statements.models import PRINCIPAL_KINDS, Form, Statement, Status

AREA = {
    UnitLevel.PROVINCE: "全省",
    UnitLevel.CITY: "全市",
    UnitLevel.COUNTY: "全县",
    UnitLevel.TOWNSHIP: "全镇",
}


def statement_line(s: Statement) -> str:
    assert s.held_on is not None
    who = f"{s.post}{s.person}"
    if s.form == Form.COMMITTEE:
        act = f"在{s.meeting or '全面依法治县委员会会议'}上专题述法"
    elif s.form == Form.ANNUAL:
        act = "在年终述职中述法"
    else:
        act = "书面述法"
    parts = [f"{s.held_on:%Y年%-m月%-d日}，{who}{act}"]
    if s.reviewed:
        parts.append("述法材料经依法治办事先审核")
    if s.status == Status.RATED and s.rating:
        parts.append(f"评议结果为“{s.get_rating_display()}”")
    return "，".join(parts) + "。"


def part3_lines(unit: OrgUnit, year: int, codes: Collection[str]) -> list[str]:
    held = Statement.objects.filter(
        unit=unit,
        year=year,
        status__in=(Status.HELD, Status.RATED),
        head_kind__in=PRINCIPAL_KINDS,
    ).order_by("held_on", "pk")
    lines = [statement_line(s) for s in held]
    if "statements.held" in codes:
        area = AREA.get(UnitLevel(unit.level), "全辖区") if unit.level else "全辖区"
        text = f"{area}党政主要负责人述法{{{{statements.held}}}}"
        if "statements.coverage_rate" in codes:
            text += "，述法覆盖率{{statements.coverage_rate}}"
        lines.append(text + "。")
    return lines
