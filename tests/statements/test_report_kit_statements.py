"""The kit hooks: part 三 lines of the annual report, the sentence file, the home tile, the
daily sweep (idempotent), audit names."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from tests.personas import County
from tests.statements.conftest import SHANGHAI, Make, d

from fazhi.core.kit import kit_for
from fazhi.statements.kit import home_tiles, report_part3
from fazhi.statements.models import HeadKind, StatementDuty

pytestmark = pytest.mark.django_db
CODES = frozenset({"statements.held", "statements.coverage_rate"})


def test_part3_lines_from_the_records(county: County, make: Make) -> None:
    meeting = "县委全面依法治县委员会会议"
    make(county.root, upto="rated", person="王某某", post="县长", head_kind=HeadKind.GOVERNMENT,
         form="committee", held_on=d("2026-12-26"), meeting=meeting)  # fmt: skip
    make(county.root, upto="held", person="李某某", post="县委书记", head_kind=HeadKind.PARTY,
         form="written", held_on=d("2026-12-27"))  # fmt: skip
    make(county.root, upto="approved", person="赵某某", post="副县长", head_kind=HeadKind.OTHER)
    make(
        county.root,
        upto="approved",
        person="钱某某",
        post="县长助理",
        head_kind=HeadKind.GOVERNMENT,
    )  # fmt: skip  (not held: not written)
    make(county.town_a, upto="rated", person="孙某某")  # the township: only in the figures
    lines = report_part3(county.root, 2026, CODES)
    assert lines == [
        "2026年12月26日，县长王某某在县委全面依法治县委员会会议上专题述法，"
        "述法材料经依法治办事先审核，评议结果为“好”。",
        "2026年12月27日，县委书记李某某书面述法，述法材料经依法治办事先审核。",
        "全县党政主要负责人述法{{statements.held}}，述法覆盖率{{statements.coverage_rate}}。",
    ]
    town = report_part3(county.town_a, 2026, frozenset({"statements.held"}))
    assert town == [
        "2026年12月20日，镇长孙某某在年终述职中述法，述法材料经依法治办事先审核，评议结果为“好”。",
        "全镇党政主要负责人述法{{statements.held}}。",
    ]


def test_part3_without_records_or_figures(county: County, make: Make) -> None:
    assert report_part3(county.town_b, 2026, frozenset()) == []
    make(county.town_b, upto="approved")
    assert report_part3(county.town_b, 2026, frozenset()) == []
    assert report_part3(county.town_b, 2025, CODES) == [
        "全镇党政主要负责人述法{{statements.held}}，述法覆盖率{{statements.coverage_rate}}。"
    ]


def test_the_sentence_file_is_valid() -> None:
    from fazhi.reports import rules

    assert {"keywords": ["述法", "覆盖"], "code": "statements.coverage_rate"} in rules.targets()
    kit = kit_for("statements")
    assert kit.report_part3 and kit.report_sentences


def test_home_tile(county: County, make: Make) -> None:
    make(upto="submitted")
    make(county.root, upto="submitted", person="县长", head_kind=HeadKind.GOVERNMENT)
    today = dt.date(2026, 12, 28)
    coord = home_tiles(county.actor("coordinator"), today)
    assert len(coord) == 1
    text = "".join(s.text for s in coord[0].line)
    # reviews below the root only; unscheduled: town_b, dept, village_a (3 of 5)
    assert text == "述法材料待审核 1 份，本年度应述法未安排 3 个单位"
    assert home_tiles(county.actor("clerk_a"), today)[0].line[0].text == (
        "本年度应述法未安排 1 个单位"
    )  # village_a
    assert home_tiles(county.actor("clerk_a"), dt.date(2026, 11, 30)) == []


def test_the_sweep_is_idempotent(county: County) -> None:
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "应述法单位更新 5 个" in out.getvalue()
    assert StatementDuty.objects.filter(year=2026).count() == 5
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "应述法单位更新 0 个" in out.getvalue()
    with time_machine.travel(dt.datetime(2027, 1, 2, 9, tzinfo=SHANGHAI), tick=False):
        out = StringIO()
        call_command("sweep_deadlines", stdout=out)
    assert "应述法单位更新 5 个" in out.getvalue()
