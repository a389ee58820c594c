"""考核督察 pages as their users see them: the list, 新建考核 (with its Chinese errors), the
overview with each organiser step (and a step in the wrong phase), a unit's self-evaluation
(typed figure, checklist, cited records, a file; submit), the reviewer's scoring, the 得分说明
with its 异议 form, 异议 answers, 整改 findings and 督察意见, and the indicator systems (copy,
freeze, Excel out and in). No junk id or number in a form or a query gives a 500."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries
from tests.assessments.pages_support import (
    COUNTY_SYSTEM,
    D,
    answer,
    at,
    build_campaign,
    evaluation_of,
    page,
    publish,
    row_codes,
    run_to_publication,
    score_all,
    submit_and_start_review,
    text_of,
    xlsx_values,
)
from tests.personas import County

from fazhi.assessments import services, systems_io
from fazhi.assessments.models import (
    Answer,
    AnswerFile,
    Campaign,
    Evaluation,
    Finding,
    IndicatorSystem,
    Kind,
    Objection,
    ObjectionStatus,
    Status,
    SystemStatus,
)
from fazhi.study.models import StudySession

pytestmark = pytest.mark.django_db
JUNK_NUMBERS = ("abc", "1e999", "NaN", "-Infinity", "99999999999999999999999")
JUNK_IDS = ("abc", "1e999", "NaN", "-1", "99999999999999999999999", "")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at("2026-01-10"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def campaign(county: County) -> Campaign:
    return build_campaign(county)


def errors_of(html: str) -> str:
    found = re.search(r'<div class="error" role="alert" id="errors">(.*?)</div>', html, re.S)
    assert found, "no error box"
    return text_of(found.group(1))


def post(client: Any, url: str, data: dict[str, Any], status: int) -> str:
    response = client.post(url, data)
    assert response.status_code == status, (url, data, response.status_code)
    return response.content.decode()


def follow(client: Any, url: str, data: dict[str, Any]) -> str:
    """POST that must succeed (a redirect), then the page it leads to."""
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, (url, data, response.status_code, errors_of_or_none(response))
    assert response.status_code == 200
    return response.content.decode()


def errors_of_or_none(response: Any) -> str:
    html = response.content.decode()
    return errors_of(html) if 'id="errors"' in html else ""


def messages_of(html: str) -> str:
    found = re.search(r'<ul class="messages">(.*?)</ul>', html, re.S)
    return text_of(found.group(1)) if found else ""


# --- list and new ------------------------------------------------------------------------------
def test_list_shows_each_sides_campaigns_and_only_the_organiser_may_create(
    county: County, campaign: Campaign
) -> None:
    html = page(county.client("coordinator"), "/assessments/")
    listed = text_of(html)
    assert "2025年度法治政府建设考核" in listed and "单位自评" in listed
    assert "年度考核" in listed and "2026-01-20" in listed
    assert 'id="new-campaign"' in html and "指标体系" in listed
    clerk = page(county.client("clerk_a"), "/assessments/")
    assert "2025年度法治政府建设考核" in clerk and 'id="new-campaign"' not in clerk
    # junk query parameters are ignored
    assert "2025年度法治政府建设考核" in page(
        county.client("coordinator"), "/assessments/?year=abc&page=1e999&status=NaN"
    )


def test_new_campaign_form_creates_and_explains_every_error(county: County) -> None:
    client = county.client("coordinator")
    html = page(client, "/assessments/new/")
    shipped = IndicatorSystem.objects.get(name=COUNTY_SYSTEM, owner=None)
    assert f'<option value="{shipped.pk}"' in html and COUNTY_SYSTEM in html
    assert "共 3 个" in text_of(html) and "白沙镇人民政府" in html and "湘江县司法局" in html
    good = {
        "title": "2025年度法治政府建设考核",
        "kind": "annual",
        "year": "2025",
        "system": str(shipped.pk),
        "self_due": "2026-02-01",
        "review_due": "2026-02-15",
    }
    bad_cases: list[tuple[dict[str, str], str]] = [
        ({"title": ""}, "请填写考核名称"),
        ({"review_due": "2026-01-15"}, "评分截止日期不能早于自评截止日期"),
        ({"self_due": "abc"}, "自评截止日期“abc”不是有效日期"),
        ({"self_due": ""}, "请填写自评截止日期"),
        ({"review_due": "2026-02-30"}, "评分截止日期“2026-02-30”不是有效日期"),
        ({"system": ""}, "请选择指标体系"),
        ({"kind": "inspection"}, "督察须选择书面督察或实地督察"),
        ({"kind": "junk"}, "请选择考核类别"),
        ({"mode": "onsite"}, "实地督察须填写起止日期"),
        (
            {"mode": "onsite", "visit_from": "2026-03-02", "visit_to": "2026-03-01"},
            "结束不早于开始",
        ),
        ({"mode": "junk"}, "请选择督察方式"),
        ({"visit_from": "NaN"}, "实地督察开始“NaN”不是有效日期"),
    ]
    bad_cases += [({"year": junk}, "请填写考核年度") for junk in (*JUNK_NUMBERS, "", "1999")]
    bad_cases += [({"system": junk}, "请选择指标体系") for junk in JUNK_IDS]
    for change, message in bad_cases:
        html = post(client, "/assessments/new/", good | change, 400)
        assert message in errors_of(html), (change, errors_of(html))
        if change.get("title", "x"):
            assert 'value="2025年度法治政府建设考核"' in html  # what was typed is kept
    assert not Campaign.objects.exists()
    html = follow(client, "/assessments/new/", good)
    made = Campaign.objects.get()
    assert (made.status, made.system_id, made.evaluations.count()) == (Status.DRAFT, shipped.pk, 3)
    assert "已创建“2025年度法治政府建设考核”，被考核单位 3 个" in messages_of(html)
    # an inspection with its mode and visit dates
    inspection = good | {
        "title": "2025年度法治督察",
        "kind": "inspection",
        "mode": "onsite",
        "visit_from": "2026-03-02",
        "visit_to": "2026-03-06",
    }
    html = follow(client, "/assessments/new/", inspection)
    assert "督察（实地督察，2026-03-02 至 2026-03-06）" in text_of(html)
    # a clerk may not create
    assert county.client("clerk_a").get("/assessments/new/").status_code == 403
    assert county.client("clerk_a").post("/assessments/new/", good).status_code == 403
    assert Campaign.objects.count() == 2


# --- the overview and the organiser's steps -------------------------------------------------
def test_each_organiser_step_by_post_and_a_step_in_the_wrong_phase(
    county: County, clock: Any
) -> None:
    made = build_campaign(county, opened=False)
    client = county.client("coordinator")
    url = f"/assessments/{made.pk}/"
    html = page(client, url)
    assert '<li class="current">筹备中</li>' in html and 'value="open"' in html
    assert 'value="publish"' not in html
    html = post(client, url, {"action": "publish", "objection_due": "2026-01-28"}, 400)
    assert "考核当前处于“筹备中”阶段，此项操作只能在“审核评分”阶段进行" in errors_of(html)
    assert "未知的操作" in errors_of(post(client, url, {"action": "junk"}, 400))
    assert "未知的操作" in errors_of(post(client, url, {}, 400))

    html = follow(client, url, {"action": "open"})
    assert "已开始自评，系统台账数据已预填" in messages_of(html)
    assert '<li class="current">单位自评</li>' in html
    assert "系统台账预填指标 3 项" in text_of(html)  # one register indicator × 3 units
    html = post(client, url, {"action": "open"}, 400)
    assert "考核当前处于“单位自评”阶段，此项操作只能在“筹备中”阶段进行" in errors_of(html)
    html = post(client, url, {"action": "freeze"}, 400)
    assert "此项操作只能在“结果公示（异议期）”阶段进行" in errors_of(html)
    html = post(client, url, {"action": "findings"}, 400)
    assert "此项操作只能在“审核评分、结果公示（异议期）、已定档”阶段进行" in errors_of(html)
    assert "已重新取数 3 项" in messages_of(follow(client, url, {"action": "refresh"}))

    clock.move_to(at("2026-01-21"))
    client = county.client("coordinator")  # signed in again: days have passed
    html = follow(client, url, {"action": "review"})
    assert "已进入审核评分" in messages_of(html) and '<li class="current">审核评分</li>' in html
    assert 'name="objection_due"' in html
    for due, message in (
        ("", "请填写异议截止日期"),
        ("abc", "异议截止日期“abc”不是有效日期"),
        ("1e999", "不是有效日期"),
        ("2026-01-20", "异议截止日期不能早于今天"),
        ("2026-01-28", "项指标未评分，不能公示"),
    ):
        html = post(client, url, {"action": "publish", "objection_due": due}, 400)
        assert message in errors_of(html), due
    score_all(made, county)
    html = follow(client, url, {"action": "publish", "objection_due": "2026-01-28"})
    assert "考核结果已公示" in messages_of(html)
    assert "异议截止 2026-01-28" in text_of(html)
    results = re.search(r'<table[^>]* id="results">.*?</table>', html, re.S)
    assert results
    row_a = re.search(r'<tr data-unit="430199101">(.*?)</tr>', results.group(0), re.S)
    # nobody submitted: 1.1 −1, 1.2 −2 (not given), 1.3 −5 → 1 loses 8; 2 loses 2; bonus 2
    assert row_a and text_of(row_a.group(1)).startswith(
        "白沙镇人民政府 未提交自评 −8 −2 2 4.00 不合格 1"
    )

    made.refresh_from_db()
    town_b = evaluation_of(made, county.town_b)
    clock.move_to(at("2026-01-25"))
    client = county.client("coordinator")
    objection = services.objection_file(
        actor=county.actor("clerk_b"),
        evaluation=town_b,
        indicator=made.system.indicators.get(code="1.3"),
        reason="报告按时报送",
    )
    assert "异议处理（待答复 1 件）" in text_of(page(client, url))
    html = post(client, url, {"action": "freeze"}, 400)
    assert "还有 1 件异议未答复，不能定档" in errors_of(html)
    services.objection_answer(
        actor=county.actor("coordinator"), objection=objection, upheld=False, answer="逾期属实"
    )
    html = follow(client, url, {"action": "freeze"})
    assert "考核结果已定档" in messages_of(html) and '<li class="current">已定档</li>' in html
    assert "公示 2026-01-21 · 异议截止 2026-01-28 · 定档 2026-01-25" in text_of(html)
    assert "异议处理" in text_of(html) and 'value="freeze"' not in html
    html = follow(client, url, {"action": "findings"})
    assert "已生成整改问题 11 个" in messages_of(html)  # 4 + 4 + 3 indicators lost points
    assert "整改问题（整改到位 0/11）" in text_of(html)
    assert "已生成整改问题 0 个" in messages_of(follow(client, url, {"action": "findings"}))


def test_detail_of_a_unit_before_and_after_publication(county: County, campaign: Campaign) -> None:
    clerk = county.client("clerk_a")
    url = f"/assessments/{campaign.pk}/"
    html = page(clerk, url)
    assert 'id="organiser-actions"' not in html and 'id="results"' not in html
    own = text_of(re.search(r'<div class="card" id="own">.*?</div>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "白沙镇人民政府：待自评" in own and "黄金乡" not in own
    run_to_publication(campaign, county)
    html = page(clerk, url)
    results = text_of(re.search(r'id="results".*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "黄金乡人民政府" in results and "4.00" in results and "不合格" in results
    assert "待评" not in results  # the organiser's columns


def test_the_organiser_assigns_reviewers_on_the_overview(county: County, clock: Any) -> None:
    made = build_campaign(county, opened=False)
    client = county.client("coordinator")
    url = f"/assessments/{made.pk}/"
    html = page(client, url)
    card = text_of(re.search(r'id="reviewers">.*?</details>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "湘江县司法局 1.3 年度报告；2 普法；3 加分；4 否决" in card
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', html)
    assert [n for _, n in options] == [
        "湘江县人民政府",
        "白沙镇人民政府",
        "黄金乡人民政府",
        "湘江县司法局",
    ]
    assert 'id="own"' not in html  # the organiser holds every unit: no 本单位 list
    assert "被考核单位（3 个）" in text_of(html) and 'id="results"' not in html  # nothing scored
    ind1 = made.system.indicators.get(code="1")
    for data, message in (
        ({"unit": "abc"}, "请选择评审单位"),
        ({"unit": ""}, "请选择评审单位"),
        ({"unit": county.village_a.pk}, "请选择评审单位"),  # not a direct subordinate
        ({"unit": "99999999999999999999999"}, "请选择评审单位"),
    ):
        html = post(client, url, {"action": "reviewer", "indicators": [ind1.pk]} | data, 400)
        assert message in errors_of(html), data
    town_a = {"action": "reviewer", "unit": county.town_a.pk}
    html = follow(client, url, town_a | {"indicators": [ind1.pk, "abc", "1e999", "999999"]})
    assert "已指定白沙镇人民政府评审 1 项指标（含其下级指标）" in messages_of(html)
    reviewer = made.reviewers.get(unit=county.town_a)
    assert [i.code for i in reviewer.indicators.all()] == ["1"]
    html = follow(client, url, town_a)
    assert "已取消白沙镇人民政府的评审指标" in messages_of(html)
    assert not made.reviewers.get(unit=county.town_a).indicators.exists()
    assert county.client("clerk_a").post(url, town_a | {"indicators": [ind1.pk]}).status_code == 403
    assert not made.reviewers.get(unit=county.town_a).indicators.exists()

    # the reviewer's own view: what it reviews and, per unit, what is still to score
    follow(client, url, {"action": "open"})
    made.refresh_from_db()
    submit_and_start_review(made, county)
    clock.move_to(at("2026-01-21"))
    html = page(county.client("reviewer"), url)
    assert "本单位负责评审的指标：1.3 年度报告；2 普法；3 加分；4 否决。" in text_of(html)
    table = text_of(re.search(r'id="to-score">.*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "乡镇（街道） 白沙镇人民政府 1 项 黄金乡人民政府 1 项" in table
    assert "湘江县司法局" not in table  # never its own unit
    client = county.client("coordinator")
    publish_data = {"action": "reviewer", "unit": county.town_b.pk, "indicators": [ind1.pk]}
    score_all(made, county)
    publish(made, county)
    html = post(client, url, publish_data, 400)
    assert "此项操作只能在“筹备中、单位自评、审核评分”阶段进行" in errors_of(html)
    assert 'id="reviewer-form"' not in html


def test_the_organiser_returns_a_submitted_self_evaluation(
    county: County, campaign: Campaign
) -> None:
    town_a = evaluation_of(campaign, county.town_a)
    url = f"/assessments/{campaign.pk}/units/{town_a.pk}/"
    client = county.client("coordinator")
    assert 'id="return-form"' not in page(client, url)  # nothing submitted yet
    services.evaluation_submit(actor=county.actor("clerk_a"), evaluation=town_a)
    clerk_page = page(county.client("clerk_a"), url)
    assert "自评已提交，不能再修改；如需修改请联系组织单位退回" in text_of(clerk_page)
    html = page(client, url)
    assert 'id="return-form"' in html and 'name="value_' not in html  # not the unit's form
    assert "请填写退回理由" in errors_of(post(client, url, {"action": "return"}, 400))
    for persona in ("clerk_a", "reviewer", "leader"):
        refused = county.client(persona).post(url, {"action": "return", "reason": "x"})
        assert refused.status_code == 403, persona
    assert Evaluation.objects.get(pk=town_a.pk).status == "submitted"
    html = follow(client, url, {"action": "return", "reason": "佐证材料不全"})
    assert "已退回该单位修改自评" in messages_of(html)
    assert Evaluation.objects.get(pk=town_a.pk).status == "pending"
    a12 = answer(town_a, "1.2")
    follow(county.client("clerk_a"), url, {"action": "save", f"value_{a12.pk}": "3"})
    assert answer(town_a, "1.2").figure == D(3)


# --- a unit's self-evaluation -----------------------------------------------------------------
def test_unit_saves_a_figure_checklist_records_and_a_file_then_submits(
    county: County, campaign: Campaign
) -> None:
    evaluation = evaluation_of(campaign, county.town_a)
    url = f"/assessments/{campaign.pk}/units/{evaluation.pk}/"
    clerk = county.client("clerk_a")
    a11, a12, a13, a2 = (answer(evaluation, c) for c in ("1.1", "1.2", "1.3", "2"))
    html = page(clerk, url)
    assert "无需填写" in text_of(html)
    assert row_codes(html, "answers") == ["1.1", "1.2", "1.3", "2", "3", "4"]
    register_row = re.search(r'<tr data-code="1.1" data-source="register">.*?</tr>', html, re.S)
    assert register_row and f'href="{escape(a11.drill_url)}"' in register_row.group(0)
    assert "4次" in register_row.group(0) and f'name="value_{a11.pk}"' not in html
    assert "学法次数 4次，要求6次，差2，每次扣0.5分" in text_of(register_row.group(0))
    assert f'name="value_{a12.pk}"' in html and f'name="self_{a13.pk}"' in html
    assert f'name="check_{a2.pk}_0"' in html and "普法清单" in html
    session = StudySession.objects.filter(unit=county.town_a).order_by("held_on").first()
    assert session is not None
    label = f"学法：{session.subject}（{session.held_on:%Y-%m-%d}）"
    assert label in html
    assert clerk.get(f"/study/sessions/{session.pk}/").status_code == 200  # the cited record

    for junk, message in (
        ("abc", "“专题研究次数”的数值“abc”不是数字"),
        ("NaN", "“专题研究次数”的数值“NaN”不是数字"),
        ("1e999", "“专题研究次数”的数值“1e999”超出范围"),
        ("99999999999999999999999", "超出范围"),
        ("-1", "数值不能为负数"),
    ):
        html = post(clerk, url, {"action": "save", f"value_{a12.pk}": junk}, 400)
        assert message in errors_of(html), junk
    html = post(clerk, url, {"action": "save", f"self_{a13.pk}": "9"}, 400)
    assert "自评扣分应在 0～5 分之间" in errors_of(html)
    html = post(clerk, url, {"action": "junk"}, 400)
    assert "未知的操作" in errors_of(html)
    assert answer(evaluation, "1.2").figure is None

    upload = SimpleUploadedFile("普法清单.txt", "普法责任清单".encode(), "text/plain")
    html = follow(
        clerk,
        url,
        {
            "action": "save",
            f"value_{a12.pk}": "2",
            f"note_{a12.pk}": "两次专题会",
            f"check_{a2.pk}_0": "1",
            f"ref_{a2.pk}": f"study:{session.pk}",
            f"files_{a2.pk}": upload,
        },
    )
    assert "已保存" in messages_of(html)
    saved = answer(evaluation, "1.2")
    assert (saved.figure, saved.self_note, saved.applied) == (D(2), "两次专题会", D(1))
    row = re.search(r'<tr data-code="2" .*?</tr>', html, re.S)
    assert row and "附件：普法清单.txt" in row.group(0) and label in row.group(0)
    assert answer(evaluation, "2").checks == [True, False]
    assert AnswerFile.objects.filter(answer__evaluation=evaluation).count() == 1
    evaluation.refresh_from_db()
    assert (evaluation.typed_fields, evaluation.uploaded_files, evaluation.reused) == (2, 1, 1)

    html = follow(clerk, url, {"action": "submit", "note": "已按要求自评"})
    assert "自评已提交" in messages_of(html) and "已提交自评" in text_of(html)
    assert f'name="value_{a12.pk}"' not in html and 'value="submit"' not in html
    html = post(clerk, url, {"action": "save", f"value_{a12.pk}": "3"}, 400)
    assert "自评已提交，不能再修改" in errors_of(html)
    html = post(clerk, url, {"action": "submit"}, 400)
    assert "自评已提交" in errors_of(html)
    assert Evaluation.objects.get(pk=evaluation.pk).self_note == "已按要求自评"


def test_reviewer_scores_only_its_indicators_and_a_deduction_needs_a_note(
    county: County, campaign: Campaign, clock: Any
) -> None:
    submit_and_start_review(campaign, county)
    clock.move_to(at("2026-01-21"))
    town_a = evaluation_of(campaign, county.town_a)
    url = f"/assessments/{campaign.pk}/units/{town_a.pk}/"
    reviewer = county.client("reviewer")
    html = page(reviewer, url)
    assert row_codes(html, "answers") == ["1.3", "2", "3", "4"]
    a13, a2, a3, a4 = (answer(town_a, c) for c in ("1.3", "2", "3", "4"))
    assert f'name="deduction_{a13.pk}"' in html and f'name="veto_{a4.pk}"' in html
    assert f'name="rcheck_{a2.pk}_1"' in html and 'value="review"' in html
    assert 'name="note"' not in html and 'value="submit"' not in html  # not the unit's form

    base = {"action": "review", f"reviewed_{a13.pk}": "1"}
    html = post(reviewer, url, base | {f"deduction_{a13.pk}": "2"}, 400)
    assert "1.3 年度报告：该项扣2分，请填写扣分理由" in errors_of(html)
    for junk, message in (
        ("abc", "“年度报告”的评审分“abc”不是数字"),
        ("NaN", "不是数字"),
        ("-Infinity", "不是数字"),
        ("1e999", "超出范围"),
        ("6", "应在 0～5 分之间"),
        ("-1", "应在 0～5 分之间"),
    ):
        html = post(
            reviewer, url, base | {f"deduction_{a13.pk}": junk, f"rnote_{a13.pk}": "x"}, 400
        )
        assert message in errors_of(html), junk
    override = {"action": "review", f"reviewed_{a2.pk}": "1", f"override_{a2.pk}": "0"}
    html = post(reviewer, url, override, 400)
    assert "调整按规则计算的结果须写明理由" in errors_of(html)
    veto = {"action": "review", f"reviewed_{a4.pk}": "1", f"veto_{a4.pk}": "1"}
    assert "认定一票否决须写明事实和依据" in errors_of(post(reviewer, url, veto, 400))
    assert answer(town_a, "1.3").review_deduction is None

    html = follow(
        reviewer,
        url,
        base
        | {
            f"deduction_{a13.pk}": "2",
            f"rnote_{a13.pk}": "报告逾期报送",
            f"reviewed_{a3.pk}": "1",
            f"deduction_{a3.pk}": "1",
            f"rnote_{a3.pk}": "经验被市里推广",
        },
    )
    assert "已保存" in messages_of(html)
    scored = answer(town_a, "1.3")
    assert (scored.review_deduction, scored.review_note, scored.reviewed_by) == (
        D(2),
        "报告逾期报送",
        "审核芳",
    )
    row = re.search(r'<tr data-code="1.3" .*?</tr>', html, re.S)
    assert row and "−2" in text_of(row.group(0)) and 'value="报告逾期报送"' in row.group(0)
    assert answer(town_a, "3").applied == D(1)

    # the reviewer's own unit: read only, and scoring it is refused
    dept = evaluation_of(campaign, county.dept)
    own_url = f"/assessments/{campaign.pk}/units/{dept.pk}/"
    html = page(reviewer, own_url)
    assert "deduction_" not in html and 'value="review"' not in html
    d13 = answer(dept, "1.3")
    refused = reviewer.post(
        own_url,
        {"action": "review", f"reviewed_{d13.pk}": "1", f"deduction_{d13.pk}": "0"},
    )
    assert refused.status_code == 403
    assert answer(dept, "1.3").review_deduction is None
    # the organiser scores the reviewer's own unit (and every indicator)
    coordinator = county.client("coordinator")
    html = page(coordinator, own_url)
    assert row_codes(html, "answers") == ["1.1", "1.2", "1.3", "2", "3", "4"]
    follow(
        coordinator,
        own_url,
        {"action": "review", f"reviewed_{d13.pk}": "1", f"deduction_{d13.pk}": "0"},
    )
    assert answer(dept, "1.3").review_deduction == D(0)


# --- explanation and objections -----------------------------------------------------------
def test_explain_page_gives_each_reason_with_links_and_takes_an_objection(
    county: County, campaign: Campaign, clock: Any
) -> None:
    town_a = evaluation_of(campaign, county.town_a)
    url = f"/assessments/{campaign.pk}/units/{town_a.pk}/explain/"
    clerk = county.client("clerk_a")
    html = page(clerk, url)
    assert (
        "单位自评阶段尚未评分，进入审核评分后显示得分" in text_of(html)
        and "objection-form" not in html
    )
    run_to_publication(campaign, county)
    clock.move_to(at("2026-01-25"))
    clerk = county.client("clerk_a")
    html = page(clerk, url)
    summary = text_of(re.search(r'id="summary">.*?</div>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "得分 8.00" in summary and "合格" in summary and "乡镇（街道）第 1 名" in summary
    a11 = answer(town_a, "1.1")
    line = re.search(r'<tr data-code="1.1".*?</tr>', html, re.S)
    assert line and f'<a href="{escape(a11.drill_url)}">4次</a>' in line.group(0)
    assert "学法次数 4次，要求6次，差2，每次扣0.5分" in text_of(line.group(0))
    assert "−1" in text_of(line.group(0))
    line = re.search(r'<tr data-code="1.3".*?</tr>', html, re.S)
    assert line and "评审意见：报告未报送" in text_of(line.group(0))
    branch = re.search(r'<tr data-code="1".*?</tr>', html, re.S)
    assert branch and "−6" in text_of(branch.group(0))  # 1.1 −1 and 1.3 −5 under 学法与组织
    assert 'id="objection-form"' in html and "异议期至 2026-01-28" in text_of(html)

    ind13 = campaign.system.indicators.get(code="1.3")
    ind1 = campaign.system.indicators.get(code="1")
    for data, message in (
        ({"indicator": ind13.pk, "reason": " "}, "请写明异议理由"),
        ({"indicator": ind1.pk, "reason": "x"}, "请选择本次考核的具体指标"),
        *(({"indicator": junk, "reason": "x"}, "请选择指标") for junk in JUNK_IDS),
    ):
        html = post(clerk, url, data, 400)
        assert message in errors_of(html), data
    html = follow(
        clerk, url, {"indicator": ind13.pk, "reason": "报告已按时报送", "evidence": "回执"}
    )
    assert "异议已提交，等待组织单位答复" in messages_of(html)
    listed = text_of(re.search(r'id="objections">.*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "1.3 年度报告" in listed and "报告已按时报送" in listed and "待答复" in listed
    html = post(clerk, url, {"indicator": ind13.pk, "reason": "再提"}, 400)
    assert "该指标已有待答复的异议" in errors_of(html)

    clock.move_to(at("2026-01-29"))
    clerk = county.client("clerk_a")
    html = page(clerk, url)
    assert 'id="objection-form"' not in html
    html = post(
        clerk, url, {"indicator": campaign.system.indicators.get(code="2").pk, "reason": "晚"}, 400
    )
    assert "异议期已于 2026-01-28 截止" in errors_of(html)
    assert Objection.objects.count() == 1


def test_objections_page_answers_upheld_and_rejected(
    county: County, campaign: Campaign, clock: Any
) -> None:
    run_to_publication(campaign, county)
    clock.move_to(at("2026-01-25"))
    town_b = evaluation_of(campaign, county.town_b)
    filed = [
        services.objection_file(
            actor=county.actor("clerk_b"),
            evaluation=town_b,
            indicator=campaign.system.indicators.get(code=code),
            reason=reason,
            evidence="门户截图" if code == "2" else "",
        )
        for code, reason in (("2", "普法清单已公开"), ("1.3", "报告按时报送"))
    ]
    client = county.client("coordinator")
    url = f"/assessments/{campaign.pk}/objections/"
    html = page(client, url)
    listed = text_of(html)
    assert "黄金乡人民政府" in listed and "普法清单已公开" in listed and "依据：门户截图" in listed
    assert f'<tr data-id="{filed[0].pk}">' in html
    upheld = {"objection": filed[0].pk, "upheld": "1", "answer": "核实属实"}
    for change, message in (
        ({"new_value": ""}, "异议成立的，请填写改正后的扣分（加分）"),
        ({"new_value": "abc"}, "改正后的扣分“abc”不是数字"),
        ({"new_value": "NaN"}, "不是数字"),
        ({"new_value": "1e999"}, "超出范围"),
        ({"new_value": "9"}, "应在 0～2 分之间"),
        ({"new_value": "0", "answer": ""}, "请填写答复意见"),
    ):
        assert message in errors_of(post(client, url, upheld | change, 400)), change
    for junk in JUNK_IDS:
        response = client.post(url, {"objection": junk, "upheld": "0", "answer": "x"})
        assert response.status_code in (400, 404), junk
    assert client.post(url, {"objection": 999999, "answer": "x"}).status_code == 404

    html = follow(client, url, upheld | {"new_value": "0"})
    assert "已答复异议" in messages_of(html)
    row = text_of(re.search(rf'<tr data-id="{filed[0].pk}">.*?</tr>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "异议成立（已改分）（2 → 0）" in row and "核实属实" in row
    assert Evaluation.objects.get(pk=town_b.pk).total == D("6.00")
    html = follow(client, url, {"objection": filed[1].pk, "upheld": "0", "answer": "回执晚于期限"})
    row = text_of(re.search(rf'<tr data-id="{filed[1].pk}">.*?</tr>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "异议不成立" in row and "回执晚于期限" in row
    html = post(client, url, upheld | {"new_value": "1"}, 400)
    assert "该异议已答复" in errors_of(html)
    assert [o.status for o in Objection.objects.order_by("pk")] == [
        ObjectionStatus.UPHELD,
        ObjectionStatus.REJECTED,
    ]
    # the unit sees the answers on its explanation page
    explain = page(
        county.client("clerk_b"), f"/assessments/{campaign.pk}/units/{town_b.pk}/explain/"
    )
    assert "异议成立（已改分）（扣分 2 → 0）" in text_of(explain) and "核实属实" in explain


# --- findings and 督察意见 ----------------------------------------------------------------------
def test_findings_page_issues_a_finding_and_an_inspection_opinion(
    county: County, campaign: Campaign, clock: Any
) -> None:
    client = county.client("coordinator")
    url = f"/assessments/{campaign.pk}/findings/"
    town_a = evaluation_of(campaign, county.town_a)
    html = post(client, url, {"evaluation": town_a.pk, "text": "学法不足"}, 400)
    assert "考核当前处于“单位自评”阶段" in errors_of(html)
    submit_and_start_review(campaign, county)
    clock.move_to(at("2026-01-22"))
    client = county.client("coordinator")
    html = page(client, url)
    assert "暂无整改问题" in text_of(html) and 'id="finding-form"' in html
    assert 'id="opinion-form"' not in html  # an annual 考核, not a 督察
    good = {"evaluation": town_a.pk, "text": "领导班子学法次数不足", "due_on": "2026-03-31"}
    for change, message in (
        ({"text": ""}, "请写明问题"),
        ({"due_on": "abc"}, "整改期限“abc”不是有效日期"),
        *(({"evaluation": junk}, "请选择责任单位") for junk in ("abc", "1e999", "NaN", "")),
        ({"kind": "opinion", "opinion": "意见"}, "只有督察可以出具督察意见"),
    ):
        assert message in errors_of(post(client, url, good | change, 400)), change
    assert client.post(url, good | {"evaluation": "999999"}).status_code == 404
    html = follow(client, url, good)
    assert "已下发整改问题" in messages_of(html)
    finding = Finding.objects.get()
    assert finding.assignment is not None
    listed = text_of(re.search(r'id="findings">.*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "白沙镇人民政府" in listed and "领导班子学法次数不足" in listed
    assert "2026-03-31" in listed and "整改到位 0/1" in text_of(html)
    assert f'href="/plans/assignments/{finding.assignment_id}/"' in html
    # the units: each sees its own findings and may not issue any
    assert "领导班子学法次数不足" in page(county.client("clerk_a"), url)
    other = page(county.client("clerk_b"), url)
    assert "领导班子学法次数不足" not in other and 'id="finding-form"' not in other
    refused = county.client("clerk_a").post(url, good | {"text": "自己给自己"})
    assert refused.status_code == 403 and Finding.objects.count() == 1

    inspection = build_campaign(
        county, kind=Kind.INSPECTION, title="2025年度法治督察", system=campaign.system
    )
    submit_and_start_review(inspection, county)
    clock.move_to(at("2026-01-22"))
    client = county.client("coordinator")
    iurl = f"/assessments/{inspection.pk}/findings/"
    html = page(client, iurl)
    assert 'id="opinion-form"' in html and "出具督察意见" in html
    ib = evaluation_of(inspection, county.town_b)
    opinion = {"kind": "opinion", "evaluation": ib.pk, "opinion": "", "findings": "问题一"}
    assert "请填写督察意见" in errors_of(post(client, iurl, opinion, 400))
    opinion |= {
        "opinion": "学法制度落实不到位，需整改。",
        "findings": "学法记录不全\n\n未建立普法清单\n",
    }
    html = follow(client, iurl, opinion)
    assert "已出具督察意见，下发整改问题 2 个" in messages_of(html)
    assert Finding.objects.filter(campaign=inspection, unit=county.town_b).count() == 2
    assert "学法制度落实不到位" in text_of(html)  # the opinion is shown with the findings
    unit_page = page(county.client("clerk_b"), f"/assessments/{inspection.pk}/units/{ib.pk}/")
    assert "督察意见" in unit_page and "学法制度落实不到位，需整改。" in unit_page
    assert "学法制度落实不到位" not in page(county.client("clerk_a"), iurl)


# --- indicator systems ------------------------------------------------------------------------
def bad_workbook() -> bytes:
    book = load_workbook(io.BytesIO(systems_io.template_xlsx()))
    ws = book[systems_io.SPEC.title]
    headers = [c.value for c in ws[1]]
    rows = [
        {"编号": "1", "指标名称": "组织领导", "分值": "10"},
        {"编号": "x", "指标名称": "坏编号", "计分规则": "评审打分"},
        {"编号": "1.1", "指标名称": "学法", "分值": "abc", "计分规则": "评审打分"},
        {
            "编号": "1.2",
            "指标名称": "台账",
            "计分规则": "按件（次）扣分",
            "统计指标编码": "no.such",
        },
    ]
    for row in rows:
        ws.append([row.get(str(h), None) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_systems_list_detail_copy_freeze_and_excel(county: County, campaign: Campaign) -> None:
    client = county.client("coordinator")
    html = page(client, "/assessments/systems/")
    listed = text_of(html)
    assert COUNTY_SYSTEM in listed and "系统内置" in listed and "已冻结" in listed
    assert "从Excel导入" in listed
    shipped = IndicatorSystem.objects.get(name=COUNTY_SYSTEM, owner=None)
    url = f"/assessments/systems/{shipped.pk}/"
    html = page(client, url)
    assert len(row_codes(html, "indicators")) == shipped.indicators.count() == 45
    row = text_of(re.search(r'<tr data-code="1.3">.*?</tr>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "按件（次）扣分：应达6次，每少1次扣0.3分" in row and "系统台账" in row
    assert "study.sessions" in row and "上限 1.2" in row
    assert "满分 100" in text_of(html) and 'value="freeze"' not in html

    export = client.get(f"{url}export.xlsx")
    assert export.status_code == 200 and export["Content-Type"] == XLSX
    assert "attachment" in export["Content-Disposition"]
    assert {"编号", "领导班子学法次数", "study.sessions"} <= xlsx_values(export.content)
    template = client.get("/assessments/systems/template.xlsx")
    assert template.status_code == 200 and "编号" in xlsx_values(template.content)

    assert "未知的操作" in errors_of(post(client, url, {"action": "junk"}, 400))
    assert client.post(url, {"action": "freeze"}).status_code == 403  # a shipped system
    html = follow(client, url, {"action": "copy"})
    copy = IndicatorSystem.objects.get(owner=county.root, name=COUNTY_SYSTEM)
    assert "已复制为" in messages_of(html) and "草稿（可修改）" in text_of(html)
    assert f"复制自 {shipped}" in text_of(html) and "湘江县人民政府" in text_of(html)
    assert copy.indicators.count() == 45 and 'value="freeze"' in html
    html = follow(client, f"/assessments/systems/{copy.pk}/", {"action": "freeze"})
    copy.refresh_from_db()
    assert "已冻结" in messages_of(html) and copy.status == SystemStatus.FROZEN
    assert 'value="freeze"' not in html

    # import: the small system's own export is a good file
    good = client.get(f"/assessments/systems/{campaign.system.pk}/export.xlsx").content
    form = {"name": "本县考核方案", "kind": "annual", "bonus_cap": "2"}
    html = page(client, "/assessments/systems/import/")
    assert 'id="import-form"' in html and "导入模板" in html
    for change, upload, message in (
        ({}, None, "请选择 .xlsx 文件"),
        ({"name": ""}, good, "请填写指标体系名称"),
        *(({"bonus_cap": junk}, good, "加分上限") for junk in JUNK_NUMBERS),
    ):
        data: dict[str, Any] = form | change
        if upload is not None:
            data["file"] = SimpleUploadedFile("x.xlsx", upload, XLSX)
        assert message in errors_of(post(client, "/assessments/systems/import/", data, 400))
    data = form | {"file": SimpleUploadedFile("x.xlsx", b"not a workbook", XLSX)}
    html = post(client, "/assessments/systems/import/", data, 400)
    assert "无法读取：请上传 Excel 2007 及以上版本的 .xlsx 文件" in text_of(html)
    data = form | {"file": SimpleUploadedFile("x.xlsx", bad_workbook(), XLSX)}
    html = post(client, "/assessments/systems/import/", data, 400)
    table = text_of(re.search(r'id="import-errors">.*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    assert "第3行 编号 编号“x”应为 1、1.2、1.2.3 这样的数字" in table
    assert "第4行 分值 “abc”不是数字" in table
    assert "统计指标“no.such”不存在" in table
    assert not IndicatorSystem.objects.filter(name="本县考核方案").exists()
    data = form | {"file": SimpleUploadedFile("x.xlsx", good, XLSX)}
    html = follow(client, "/assessments/systems/import/", data)
    imported = IndicatorSystem.objects.get(name="本县考核方案")
    assert "已导入" in messages_of(html) and imported.indicators.count() == 7
    assert imported.status == SystemStatus.DRAFT and imported.bonus_cap == D(2)
    assert row_codes(html, "indicators") == ["1", "1.1", "1.2", "1.3", "2", "3", "4"]

    # a clerk reads, but neither copies, freezes nor imports
    clerk = county.client("clerk_a")
    html = page(clerk, url)
    assert 'value="copy"' not in html and "从Excel导入" not in page(clerk, "/assessments/systems/")
    assert clerk.post(url, {"action": "copy"}).status_code == 403
    assert clerk.post(f"/assessments/systems/{imported.pk}/", {"action": "freeze"}).status_code in (
        403,
        404,
    )
    assert clerk.get("/assessments/systems/import/").status_code == 403
    assert IndicatorSystem.objects.filter(owner=county.root).count() == 2
    imported.refresh_from_db()
    assert imported.status == SystemStatus.DRAFT
    for missing in ("/assessments/systems/999999/", "/assessments/systems/999999/export.xlsx"):
        assert client.get(missing).status_code == 404


# --- no junk gives a 500 ---------------------------------------------------------------------
def test_junk_ids_and_query_parameters_never_give_a_500(county: County, campaign: Campaign) -> None:
    client = county.client("coordinator")
    evaluation = evaluation_of(campaign, county.town_a)
    other = build_campaign(county, title="另一次考核", system=campaign.system)
    foreign = evaluation_of(other, county.town_a)
    for url in (
        "/assessments/999999/",
        "/assessments/99999999999999999999999/",
        f"/assessments/{campaign.pk}/units/999999/",
        f"/assessments/{campaign.pk}/units/{foreign.pk}/",
        f"/assessments/{campaign.pk}/units/{foreign.pk}/explain/",
        f"/assessments/{campaign.pk}/units/99999999999999999999999/explain/",
        "/assessments/999999/objections/",
        "/assessments/999999/findings/",
        "/assessments/abc/",
    ):
        assert client.get(url).status_code == 404, url
    query = "?year=abc&page=1e999&unit=NaN&status=-1&q=%E2%80%8B"
    for url in (
        "/assessments/",
        f"/assessments/{campaign.pk}/",
        f"/assessments/{campaign.pk}/units/{evaluation.pk}/",
        f"/assessments/{campaign.pk}/units/{evaluation.pk}/explain/",
        f"/assessments/{campaign.pk}/objections/",
        f"/assessments/{campaign.pk}/findings/",
        "/assessments/systems/",
        f"/assessments/systems/{campaign.system.pk}/",
        "/assessments/new/",
        "/assessments/systems/import/",
    ):
        assert client.get(url + query).status_code == 200, url
    publish_ = {"action": "publish", "objection_due": "1e999"}
    assert client.post(f"/assessments/{campaign.pk}/", publish_).status_code == 400


def test_a_phase_past_publication_keeps_pages_readable(county: County, campaign: Campaign) -> None:
    run_to_publication(campaign, county)
    with time_machine.travel(at("2026-01-29"), tick=False):
        services.campaign_freeze(actor=county.actor("coordinator"), campaign=campaign)
        client = county.client("clerk_a")
        town_a = evaluation_of(campaign, county.town_a)
        html = page(client, f"/assessments/{campaign.pk}/units/{town_a.pk}/explain/")
        assert "得分 8.00" in text_of(html) and 'id="objection-form"' not in html
        assert "已定档" in page(client, f"/assessments/{campaign.pk}/")


# --- query counts ------------------------------------------------------------------------------
def more_units(county: County, towns: int, departments: int) -> None:
    from fazhi.orgs.models import UnitKind, UnitLevel
    from fazhi.orgs.scoping import Actor
    from fazhi.orgs.services import orgunit_create

    for n in range(towns):
        orgunit_create(
            actor=Actor.command_line(),
            code=f"430199{201 + n}",
            name=f"第{n + 1}乡人民政府",
            kind=UnitKind.TOWNSHIP,
            level=UnitLevel.TOWNSHIP,
            parent=county.root,
        )
    for n in range(departments):
        orgunit_create(
            actor=Actor.command_line(),
            code=f"430199{301 + n}",
            name=f"县第{n + 1}局",
            kind=UnitKind.DEPARTMENT,
            level=UnitLevel.COUNTY,
            parent=county.root,
        )


def county_campaign(county: County) -> Campaign:
    shipped = IndicatorSystem.objects.get(name=COUNTY_SYSTEM, owner=None)
    return build_campaign(county, system=shipped, title="2025年度县级考核")


def test_overview_and_explanation_queries_do_not_grow_with_units_or_indicators(
    county: County, clock: Any, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """The shipped 县级 system (45 indicators, 36 with a rule) for 21 units, published, with files
    and findings: an N+1 over units or indicators would add at least 21 queries."""
    more_units(county, 12, 6)
    made = county_campaign(county)
    assert made.evaluations.count() == 21 and made.system.indicators.count() == 45
    town_a = evaluation_of(made, county.town_a)
    files = [
        SimpleUploadedFile(f"要点{n}.txt", "工作要点".encode(), "text/plain") for n in range(3)
    ]
    services.answer_save(
        actor=county.actor("clerk_a"),
        answer=answer(town_a, "1.1"),
        checks=[True, True],
        files=files,
    )
    services.evaluation_submit(actor=county.actor("clerk_a"), evaluation=town_a)
    clock.move_to(at("2026-01-21"))
    services.campaign_start_review(actor=county.actor("coordinator"), campaign=made)
    # every reviewer-scored indicator scored 0 at once (the review itself is tested above)
    Answer.objects.filter(evaluation__campaign=made, indicator__rule="reviewer").update(
        review_deduction=D(0)
    )
    made.refresh_from_db()
    services.campaign_publish(
        actor=county.actor("coordinator"), campaign=made, objection_due=at("2026-01-28").date()
    )
    for e in made.evaluations.select_related("unit")[:8]:
        services.finding_create(
            actor=county.actor("coordinator"), campaign=made, unit=e.unit, text=f"问题{e.pk}"
        )
    services.objection_file(
        actor=county.actor("clerk_a"),
        evaluation=evaluation_of(made, county.town_a),
        indicator=made.system.indicators.get(code="1.4"),
        reason="已按时报送",
    )
    overview, explain = f"/assessments/{made.pk}/", f"/assessments/{made.pk}/units/{town_a.pk}/"
    for persona, limits in (("coordinator", (16, 14, 12)), ("clerk_a", (14, 13, 11))):
        client = county.client(persona)
        with django_assert_max_num_queries(limits[0]):
            html = page(client, overview)
        assert html.count("<tr data-unit=") == 21
        with django_assert_max_num_queries(limits[1]):
            html = page(client, f"{explain}explain/")
        assert len(row_codes(html, "explain")) == 45 and html.count("附件：要点") == 3
        with django_assert_max_num_queries(limits[2]):
            html = page(client, explain)
        assert (
            len(row_codes(html, "answers")) == made.system.indicators.exclude(rule="").count() == 36
        )
    client = county.client("coordinator")
    with django_assert_max_num_queries(11):
        html = page(client, f"/assessments/{made.pk}/findings/")
    assert html.count("<td>问题") == 8
    with django_assert_max_num_queries(10):
        page(client, f"/assessments/{made.pk}/objections/")
