"""Plain-text output of the demo commands: the summary and the logins table."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

from fazhi.demo.generator import DemoLogin, SeedResult

LOGIN_HEADERS = ("用户名", "密码", "姓名", "角色", "单位")


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def logins_table(logins: Sequence[DemoLogin]) -> str:
    """The demo logins as an aligned text table, one membership per row."""
    rows = [LOGIN_HEADERS] + [
        (x.username, x.password, x.full_name, x.role_label, x.unit_name) for x in logins
    ]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(LOGIN_HEADERS))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary(result: SeedResult) -> str:
    """A few Chinese lines describing what a seeder wrote."""
    lines = [
        f"已生成演示数据（规模：{result.scale}，随机种子：{result.seed}）",
        f"单位：{result.root_name}（{result.root_code}）及下属共 {result.unit_count} 个单位，"
        f"其中政府工作部门 {result.department_count} 个、乡镇街道 {result.township_count} 个",
        f"演示账号：{result.user_count} 个（密码均为 {result.logins[0].password}）"
        if result.logins
        else "演示账号：0 个",
    ]
    if result.today is not None and result.years:
        lines.append(f"数据截至 {result.today:%Y-%m-%d}：{_years_text(result.years, result.today)}")
    lines += [f"{filler_label(name)}：{count} 件" for name, count in result.filled]
    return "\n".join(lines)


def _years_text(years: Sequence[int], today: dt.date) -> str:
    """``2025年全年及2026年1月1日至6月15日`` (the full years, then the current year to date)."""
    full = [y for y in years if y < today.year]
    text = ""
    if full:
        span = f"{full[0]}年" if len(full) == 1 else f"{full[0]}—{full[-1]}年"
        text = f"{span}全年"
    if years[-1] == today.year:
        text += f"{'及' if text else ''}{today.year}年1月1日至{today.month}月{today.day}日"
    return text


def filler_label(name: str) -> str:
    """The Chinese label of the register filler ``name``: the module constant ``LABEL`` of the
    module that defines it (e.g. ``"行政复议案件"``), else the name itself."""
    import sys

    from fazhi.demo.generator import county_fillers

    for found, fill in county_fillers():
        if found == name:
            label = getattr(sys.modules.get(fill.__module__), "LABEL", "")
            return str(label) or name
    return name
