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
