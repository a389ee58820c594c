"""The 学法 lines of the annual report: the part 三 hook writes, from the unit's own records,
常务会议学法 and 中心组学法 with tokens for the figures and the laws studied (deduplicated, in date
order, at most eight); nothing for a unit without such records or a kind without a figure; the
report-sentence file is valid and its codes are metrics."""

from __future__ import annotations

import re

import pytest
from tests.personas import County
from tests.study.conftest import MakeSession

from fazhi.core.kit import kit_json
from fazhi.metrics.models import MetricDefinition
from fazhi.study.kit import KIT
from fazhi.study.report import part3_lines

pytestmark = pytest.mark.django_db
CODES = frozenset({"study.executive", "study.group", "study.sessions"})


def test_lines_from_the_units_own_records(county: County, make_session: MakeSession) -> None:
    make_session(
        county.root, "executive", "2026-02-10", laws="《中华人民共和国行政复议法》\n民法典"
    )
    make_session(
        county.root, "executive", "2026-01-10",
        laws="《中华人民共和国宪法》\n《中华人民共和国行政复议法》",
    )  # fmt: skip
    make_session(county.root, "group", "2026-03-10", laws="《法治政府建设实施纲要》")
    make_session(county.root, "executive", "2025-03-10", laws="《去年的法》")
    make_session(county.dept, "lecture", "2026-03-10", laws="《部门的法》")
    assert part3_lines(county.root, 2026, CODES) == [
        "坚持政府常务会议会前学法制度，全年常务会议学法{{study.executive}}，"
        "学习了《中华人民共和国宪法》《中华人民共和国行政复议法》《民法典》等法律法规；"
        "理论学习中心组学法{{study.group}}。"
    ]
    assert part3_lines(county.dept, 2026, CODES) == []  # 专题讲座 only
    assert part3_lines(county.town_a, 2026, CODES) == []  # no records
    assert part3_lines(county.root, 2026, frozenset({"study.group"})) == [
        "理论学习中心组学法{{study.group}}。"
    ]


def test_only_group_names_its_laws_and_at_most_eight(
    county: County, make_session: MakeSession
) -> None:
    laws = "\n".join(f"《第{i}法》" for i in range(10))
    make_session(county.town_a, "group", "2026-03-10", laws=laws + "\n《第0法》")
    (line,) = part3_lines(county.town_a, 2026, CODES)
    assert line.startswith("理论学习中心组学法{{study.group}}，学习了《第0法》")
    assert "《第7法》等法律法规。" in line and "第8法" not in line


def test_sentence_file_codes_are_metrics(county: County) -> None:
    _path, data = kit_json(KIT, KIT.report_sentences)
    text = str(data)
    defs = MetricDefinition.objects.filter(code__startswith="study.")
    codes = set(defs.values_list("code", flat=True))
    used = set(re.findall(r"\{\{(study\.[a-z_]+)\}\}", text))
    used |= {t["code"] for t in data["targets"]}
    assert used and used <= codes
    assert {s["chapter"] for s in data["figure_sentences"]} == {1}


def test_the_draft_writes_the_lines(county: County, make_session: MakeSession) -> None:
    """Through the report drafter: part 一 chapter 1 gets the figure sentence, part 三 the line
    from the records (its tokens are frozen figures of the draft)."""
    import datetime as dt

    from fazhi.orgs.scoping import Actor
    from fazhi.reports.drafting import compose

    for month in (1, 2, 3, 4):
        make_session(county.root, "executive", f"2026-0{month}-10", laws=f"《第{month}法》")
    make_session(county.root, "group", "2026-05-10", count=12)
    make_session(county.dept, "lecture", "2026-05-11", count=30)
    draft = compose(
        actor=Actor.command_line(),
        unit=county.root,
        year=2026,
        now=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
        parts=(1, 3),
    )
    codes = {f.code: f for f in draft.figures}
    assert codes["study.executive"].value == 4 and codes["study.sessions"].value == 6
    assert (
        "全年组织领导干部学法{{study.sessions}}，其中政府常务会议学法{{study.executive}}"
        in (draft.parts[1])
    )
    assert (
        "坚持政府常务会议会前学法制度，全年常务会议学法{{study.executive}}，"
        "学习了《第1法》《第2法》《第3法》《第4法》等法律法规；理论学习中心组学法{{study.group}}。"
    ) in draft.parts[3]
