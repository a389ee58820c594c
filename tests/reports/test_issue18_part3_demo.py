"""Issue 18 acceptance: the demo county's annual report draft writes part 三 (第一责任人职责)
from its 述法 and 学法 records — who gave a 述法, when, in what form and with what 评议 result;
how often the 常务会议 studied law and which laws — instead of a blank prompt, and the figures
it quotes are frozen with the report (a later record does not change the saved report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.reports import drafting, tokens
from fazhi.reports.models import AnnualReport
from fazhi.statements.models import PRINCIPAL_KINDS, Statement
from fazhi.statements.models import Status as StatementStatus
from fazhi.study.models import SessionKind, StudySession

pytestmark = pytest.mark.django_db

YEAR = 2025
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def drafting_day() -> Any:
    with time_machine.travel(dt.datetime(2026, 2, 10, 10, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def _root() -> OrgUnit:
    return OrgUnit.objects.get(code="430199")


def _executive_sessions(root: OrgUnit) -> list[StudySession]:
    return list(
        StudySession.objects.filter(
            unit__path__startswith=root.path,
            kind=SessionKind.EXECUTIVE,
            held_on__year=YEAR,
        ).order_by("held_on", "pk")
    )


@pytest.mark.usefixtures("demo_county", "drafting_day")
def test_part3_is_written_from_the_statements_and_the_study_sessions() -> None:
    root = _root()
    draft = drafting.compose(
        actor=Actor.command_line(), unit=root, year=YEAR, now=dt.datetime.now(dt.UTC)
    )
    text = tokens.render(draft.parts[3], draft.displays)
    # each held 述法 of the county's own principal heads, in date order, from the records
    held = list(
        Statement.objects.filter(
            unit=root,
            year=YEAR,
            head_kind__in=PRINCIPAL_KINDS,
            status__in=(StatementStatus.HELD, StatementStatus.RATED),
        ).order_by("held_on", "pk")
    )
    assert {s.post for s in held} == {"县长", "县委书记"}
    positions = []
    for statement in held:
        assert statement.held_on is not None
        said = f"{statement.held_on.year}年{statement.held_on.month}月{statement.held_on.day}日，"
        said += f"{statement.post}{statement.person}"
        assert said in text, said
        positions.append(text.index(said))
        assert "述法材料经依法治办事先审核" in text
    assert positions == sorted(positions)
    # 学法: the 常务会议 count is the frozen figure, equal to the records, and the laws named
    sessions = _executive_sessions(root)
    assert len(sessions) >= 4
    figure = next(f for f in draft.figures if f.code == "study.executive")
    assert figure.display == f"{len(sessions)}次"
    assert f"全年常务会议学法{len(sessions)}次" in text
    first_law = sessions[0].law_list[0]
    assert first_law.strip("《》") in text
    # 述法 figure for the subtree, frozen too
    held_figure = next(f for f in draft.figures if f.code == "statements.held")
    assert held_figure.value is not None and held_figure.value > 0
    assert f"述法{held_figure.display}" in text
    # written from records: no blank prompt left in part 三
    assert "{{?" not in draft.parts[3]


@pytest.mark.usefixtures("demo_county", "drafting_day")
def test_the_saved_report_keeps_its_part3_figures_when_records_change() -> None:
    root = _root()
    # the demo's own 2025 report of the county, drafted by the reports filler (the last one,
    # after the 述法 and 学法 records were written)
    report = AnnualReport.objects.get(unit=root, year=YEAR)
    saved = report.figures.get(code="study.executive")
    sessions = _executive_sessions(root)
    part3 = report.parts.get(number=3)
    assert "{{study.executive}}" in part3.body
    # one more 常务会议学法 recorded after the draft: the live figure moves, the report's does not
    StudySession.objects.create(
        unit=root,
        kind=SessionKind.EXECUTIVE,
        held_on=dt.date(YEAR, 12, 30),
        subject="补录的常务会议学法",
    )
    assert len(_executive_sessions(root)) == len(sessions) + 1
    report.refresh_from_db()
    assert report.figures.get(code="study.executive").display == saved.display
    assert saved.display == f"{len(sessions)}次"
