"""Lines of the annual report's part 三 (第一责任人职责) written from the unit's own 学法 records:
the 政府常务会议学法 and 理论学习中心组学法 of ``unit`` itself in ``year``, with the laws studied
(deduplicated, in date order, at most :data:`MAX_LAWS`) and the frozen figures as tokens."""

from __future__ import annotations

from collections.abc import Collection

from fazhi.orgs.models import OrgUnit
from fazhi.study.models import SessionKind, StudySession
from fazhi.study.selectors import year_bounds

MAX_LAWS = 8


def _laws(sessions: list[StudySession]) -> list[str]:
    found: dict[str, None] = {}
    for session in sessions:
        for law in session.law_list:
            found.setdefault(law if law.startswith("《") else f"《{law}》", None)
    return list(found)[:MAX_LAWS]


def part3_lines(unit: OrgUnit, year: int, codes: Collection[str]) -> list[str]:
    """The kit's ``report_part3`` hook: one line when ``unit`` recorded 常务会议学法 or 中心组学法
    in ``year`` (only the kinds it recorded), else none."""
    first, last = year_bounds(year)
    rows = list(
        StudySession.objects.filter(
            unit=unit,
            held_on__range=(first, last),
            kind__in=(SessionKind.EXECUTIVE, SessionKind.GROUP),
        ).order_by("held_on", "id")
    )
    executive = [s for s in rows if s.kind == SessionKind.EXECUTIVE]
    group = [s for s in rows if s.kind == SessionKind.GROUP]
    parts: list[str] = []
    if executive and "study.executive" in codes:
        text = "坚持政府常务会议会前学法制度，全年常务会议学法{{study.executive}}"
        laws = _laws(executive)
        if laws:
            text += f"，学习了{''.join(laws)}等法律法规"
        parts.append(text)
    if group and "study.group" in codes:
        text = "理论学习中心组学法{{study.group}}"
        laws = _laws(group)
        if laws and not executive:
            text += f"，学习了{''.join(laws)}等法律法规"
        parts.append(text)
    if not parts:
        return []
    return ["；".join(parts) + "。"]
