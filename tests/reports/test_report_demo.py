"""Acceptance on the demo county: `fazhi report draft` writes a .docx with the five parts, every
figure it states equal to `fazhi metrics` for the same unit and year, in the 公文 layout; the
demo has reports in every state and the county's is on the public portal. The county is
generated once per session (``demo_county`` in tests/conftest.py)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.test import Client

from fazhi.reports.checker import check_text
from fazhi.reports.models import AnnualReport, ReportState

pytestmark = pytest.mark.django_db

HEADINGS = [
    "一、主要举措和成效",
    "二、存在的不足和原因",
    "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    "四、下一年度主要安排",
    "五、其他需要报告的情况",
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("demo_county")
def test_demo_county_draft_equals_metrics(tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    summary = json.loads(
        run("report", "draft", "--unit", "430199", "--year", "2025", "--out", str(out), "--json")
    )
    listed = json.loads(run("metrics", "--unit", "430199", "--year", "2025", "--json"))
    metrics = {m["code"]: m for m in listed}
    # the frozen figures are the engine's, one for one
    assert {f["code"]: f["display"] for f in summary["figures"]} == {
        code: m["display"] for code, m in metrics.items()
    }
    document = docx.Document(str(out))
    lines = [x for p in document.paragraphs for x in p.text.split("\n") if x.strip()]
    assert lines[:2] == ["湘江县人民政府", "2025年法治政府建设年度报告"]  # 回行 after the unit
    assert [line for line in lines if line in HEADINGS] == HEADINGS
    # every figure the text states with a metric code has the engine's value and unit
    result = check_text("\n".join(lines))
    assert result.year == 2025 and all(p.found for p in result.parts)
    coded = [f for f in result.figures if f.metric_code]
    assert {f.metric_code for f in coded} >= {
        "reconsideration.received",
        "reconsideration.correction_rate",
        "litigation.cases",
        "litigation.head_rate_case",
        "plans.on_time_rate",
    }
    for f in coded:
        m = metrics[f.metric_code]
        assert (f.number, f.unit) == (Decimal(str(m["value"])), m["unit"]), f
    # the page layout (GB/T 9704): A4, margins 37/35/28/26 mm
    section = document.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height)] == [210, 297]
    assert [round(x.mm, 1) for x in (section.top_margin, section.bottom_margin)] == [37.0, 35.0]
    assert [round(x.mm, 1) for x in (section.left_margin, section.right_margin)] == [28.0, 26.0]


@pytest.mark.usefixtures("demo_county")
def test_demo_reports_in_every_state() -> None:
    states = dict(AnnualReport.objects.values_list("unit__short_name", "state"))
    assert states == {
        "湘江县": ReportState.PUBLISHED,
        "司法局": ReportState.PUBLICATION,
        "市场监管局": ReportState.DRAFTING,
    }
    county = AnnualReport.objects.get(state=ReportState.PUBLISHED)
    assert not any(p.body.count("【请填写") for p in county.parts.all())
    page = Client().get(f"/portal/reports/{county.pk}/").content.decode()
    assert "湘江县人民政府第5次常务会议" not in page  # workflow records are internal
    assert "全年收到行政复议申请" in page
