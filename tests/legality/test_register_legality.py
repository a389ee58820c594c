"""合法性审查 pages, API, Excel (both ways) and figures, over a small hand-made register.

The register (time frozen at 2026-06-30; see :func:`populate`) has items kept by the county
司法局 (``dept``), by 白沙镇 (``town_a``, its 司法所) and by 黄金乡 (``town_b``), in every state
and with every conclusion. The metric tests count the same records by hand (a Python loop over
:data:`ROWS`, not a query) and check the monthly facts against the registers.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook, load_workbook
from pytest_django import DjangoAssertNumQueries
from tests.legality.conftest import d
from tests.personas import County

import fazhi.legality
from fazhi.accounts.services import token_create
from fazhi.legality import services as svc
from fazhi.legality.models import Conclusion, Review, Status
from fazhi.metrics.facts import facts_check
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_value
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db
LIST = "/legality/reviews/"
API = "/api/v1/legality/reviews"

# (key, 审查机构, 送审单位, category, received, steps) — steps: "ret:<date>", "sup:<date>",
# "start:<date>", "<conclusion>:<completed>[:adopted]"
ROWS: list[tuple[str, str, str, str, str, tuple[str, ...]]] = [
    ("N1", "dept", "town_a", "normative_doc", "2026-02-13", ("lawful:2026-03-10",)),
    ("N2", "dept", "dept", "normative_doc", "2026-03-02", ("amended:2026-03-30:yes",)),
    ("N3", "dept", "town_b", "normative_doc", "2026-04-01", ("unlawful:2026-04-24:no",)),
    ("M1", "dept", "dept", "minutes", "2026-01-05", ("lawful:2026-01-30",)),  # late: due 01-19
    ("M2", "dept", "village_a", "minutes", "2026-05-06", ("ret:2026-05-07", "sup:2026-05-11",
                                                          "amended:2026-05-20")),
    ("D1", "dept", "dept", "major_decision", "2026-05-11", ("start:2026-05-12",
                                                             "lawful:2026-05-29")),
    ("C1", "town_a", "village_a", "contract", "2026-03-03", ("lawful:2026-03-05",)),
    ("X1", "town_a", "town_a", "other", "2026-03-04", ("declined:2026-03-05",)),
    ("O1", "dept", "town_a", "agenda", "2026-06-01", ()),  # overdue: due 2026-06-15
    ("O2", "dept", "dept", "gov_doc", "2026-06-25", ("start:2026-06-26",)),  # 审查中, not due
    ("R1", "town_b", "town_b", "contract", "2026-06-22", ("ret:2026-06-23",)),  # 退回补充
    ("E1", "town_b", "town_b", "enforcement", "2025-11-03", ("lawful:2025-11-10",)),
]  # fmt: skip


def populate(county: County) -> dict[str, Review]:
    cli = Actor.command_line()
    made: dict[str, Review] = {}
    for key, unit, submitter, category, received, steps in ROWS:
        review = svc.review_register(
            actor=cli,
            unit=getattr(county, unit),
            submitter=getattr(county, submitter),
            title=f"事项{key}",
            category=category,
            received_on=d(received),
            number=f"测{key}号",
        )
        for step in steps:
            name, on, *rest = step.split(":")
            if name == "ret":
                svc.review_return(actor=cli, review=review, returned_on=d(on), return_reason="补")
            elif name == "sup":
                svc.review_supplement(actor=cli, review=review, supplemented_on=d(on))
            elif name == "start":
                svc.review_start(actor=cli, review=review, started_on=d(on), reviewers="张三")
            else:
                adopted = {"yes": True, "no": False}.get(rest[0]) if rest else None
                svc.review_conclude(
                    actor=cli,
                    review=review,
                    completed_on=d(on),
                    conclusion=name,
                    reason="理由" if name in ("unlawful", "declined") else "",
                    adopted=adopted,
                )
        made[key] = Review.objects.get(pk=review.pk)
    return made


@pytest.fixture
def made(county: County) -> dict[str, Review]:
    return populate(county)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def numbers(html: str) -> set[str]:
    return set(re.findall(r'<a href="/legality/reviews/\d+/">(测\w+号)</a>', html))


# --- pages ---------------------------------------------------------------------------------
def test_list_filters_and_search(county: County, made: dict[str, Review]) -> None:
    client = county.client("coordinator")
    everything = {f"测{k}号" for k in made}
    assert numbers(page(client, LIST)) == everything
    assert numbers(page(client, f"{LIST}?category=normative_doc")) == {"测N1号", "测N2号", "测N3号"}
    assert numbers(page(client, f"{LIST}?status=open")) == {"测O1号", "测O2号"}
    assert numbers(page(client, f"{LIST}?status=returned")) == {"测R1号"}
    assert numbers(page(client, f"{LIST}?overdue=1")) == {"测O1号"}
    assert numbers(page(client, f"{LIST}?conclusion=declined")) == {"测X1号"}
    assert numbers(page(client, f"{LIST}?year=2025")) == {"测E1号"}
    assert numbers(page(client, f"{LIST}?unit={county.town_a.code}")) == {"测C1号", "测X1号"}
    by_submitter = numbers(page(client, f"{LIST}?submitter={county.town_a.code}"))
    assert by_submitter == {"测N1号", "测O1号", "测C1号", "测X1号", "测M2号"}  # village_a inside
    assert numbers(page(client, f"{LIST}?q=事项D1")) == {"测D1号"}
    html = page(client, f"{LIST}?overdue=1")
    assert '2026-06-15<br><span class="badge error">逾期</span>' in html


def test_list_query_count_does_not_grow_with_rows(
    county: County, made: dict[str, Review], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    cli = Actor.command_line()
    for i in range(30):
        svc.review_register(
            actor=cli,
            unit=county.dept if i % 2 else county.town_a,
            submitter=county.village_a,
            title=f"批量事项{i}",
            category="contract",
            received_on=d("2026-06-01"),
        )
    client = county.client("coordinator")
    client.get(LIST)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(12):
        url = f"{LIST}?page=2&unit={county.root.code}&year=2026&category=contract&overdue=0"
        assert client.get(url).status_code == 200


def test_detail_shows_deadlines_timeline_and_grey_button(
    county: County, made: dict[str, Review]
) -> None:
    client = county.client("dept_clerk")
    html = page(client, f"{LIST}{made['N1'].pk}/")
    for text in ("审查期限", "2026-03-12", "一般不少于", "2026-02-27", "收到送审材料", "审查完成",
                 "《国办发〔2018〕115号》", "15个工作日"):  # fmt: skip
        assert text in html, text
    declined = page(county.client("clerk_a"), f"{LIST}{made['X1'].pk}/")
    assert "不予审查的事项没有审查意见，无需登记采纳情况" in declined  # the greyed button's reason
    overdue = page(client, f"{LIST}{made['O1'].pk}/")
    assert "逾期" in overdue and f"{LIST}{made['O1'].pk}/conclude/" in overdue


def test_register_and_conclude_through_the_pages(county: County) -> None:
    clerk = county.client("clerk_a")
    form = page(clerk, f"{LIST}new/")
    assert f'value="{county.dept.code}"' in form  # may send to the county 司法局
    assert f'value="{county.town_b.code}"' not in form
    response = clerk.post(
        f"{LIST}new/",
        {
            "unit": county.town_a.code,
            "submitter": county.village_a.code,
            "title": "白沙镇农贸市场租赁合同",
            "category": "contract",
            "received_on": "2026-06-22",
            "reviewers": "张三（公职律师）",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(title="白沙镇农贸市场租赁合同")
    assert review.reviewers == [{"name": "张三", "kind": "lawyer"}]
    bad = clerk.post(
        f"{LIST}{review.pk}/conclude/",
        {"completed_on": "2026-06-29", "conclusion": "declined", "reason": ""},
    )
    assert bad.status_code == 200 and "审查结论为“不予审查”的，须写明理由" in bad.content.decode()
    done = clerk.post(
        f"{LIST}{review.pk}/conclude/",
        {"completed_on": "2026-06-29", "conclusion": "amended", "adopted": "true"},
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.conclusion, review.adopted) == (Status.DONE, "amended", True)


# --- API -----------------------------------------------------------------------------------
class Api:
    def __init__(self, county: County, persona: str) -> None:
        _, raw = token_create(
            actor=Actor.command_line(), membership=county.memberships[persona], name="测试"
        )
        self.client, self.headers = Client(), {"Authorization": f"Bearer {raw}"}

    def get(self, url: str) -> Any:
        return self.client.get(API + url, headers=self.headers)

    def post(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            API + url, json.dumps(body), content_type="application/json", headers=self.headers
        )


def test_api_list_detail_create_and_transition(county: County, made: dict[str, Review]) -> None:
    api = Api(county, "dept_clerk")
    listed = api.get("?overdue=1").json()
    assert [i["number"] for i in listed["items"]] == ["测O1号"] and listed["items"][0]["overdue"]
    detail = api.get(f"/{made['M2'].pk}").json()
    assert (detail["period_start"], detail["due_on"]) == ("2026-05-11", "2026-05-25")
    assert [e["kind"] for e in detail["events"]][:3] == ["收到送审材料", "退回补充", "收到补充材料"]
    created = api.post(
        "",
        {
            "unit": county.dept.code,
            "submitter": county.town_a.code,
            "title": "接口送审的规范性文件",
            "category": "normative_doc",
            "received_on": "2026-06-29",
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["due_on"] == "2026-07-20"
    refused = api.post(f"/{pk}/transitions/conclude", {"completed_on": "2026-06-30",
                                                       "conclusion": "unlawful"})  # fmt: skip
    assert refused.status_code == 422 and "须写明理由" in refused.json()["detail"][0]
    done = api.post(
        f"/{pk}/transitions/conclude",
        {"completed_on": "2026-06-30", "conclusion": "unlawful", "reason": "超越职权"},
    )
    assert done.status_code == 200 and done.json()["conclusion_label"] == "不合法"
    assert Api(county, "clerk_b").get(f"/{pk}").status_code == 404


# --- Excel ---------------------------------------------------------------------------------
#: every metric the app ships (its fixtures/metrics.json)
CODES = tuple(
    d["code"]
    for d in json.loads(
        (Path(fazhi.legality.__file__).parent / "fixtures" / "metrics.json").read_text("utf-8")
    )["definitions"]
)


def figures(county: County, year: int = 2026) -> dict[str, Any]:
    root = OrgUnit.objects.get(pk=county.root.pk)
    period = Period.for_year(year)
    out = {}
    for code in CODES:
        v = metric_value(actor=Actor.command_line(), unit=root, period=period, code=code)
        out[code] = (v.value, v.numerator, v.denominator)
    return out


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(f"{exc}\n{err.getvalue()}") from None
    return out.getvalue().strip()


def test_excel_round_trip_gives_the_same_figures(
    county: County, made: dict[str, Review], tmp_path: Path
) -> None:
    before = figures(county)
    states = sorted(Review.objects.values_list("number", "status", "conclusion", "due_on"))
    out = tmp_path / "out.xlsx"
    message = run("export", "legality", "--unit", county.root.code, "--out", str(out))
    assert message.startswith("已导出合法性审查审查事项 12 件")
    header = next(load_workbook(out, read_only=True)["合法性审查"].iter_rows(values_only=True))
    assert header[:6] == ("审查事项", "类别", "审查机构", "送审单位", "收到日期", "审查编号")
    Review.objects.all().delete()  # an empty register
    assert figures(county)["legality.reviews"][0] == 0
    assert run("import", "legality", str(out), "--unit", county.root.code) == (
        "导入完成：新增 12 件"
    )
    assert figures(county) == before
    assert sorted(Review.objects.values_list("number", "status", "conclusion", "due_on")) == states
    reimported = Review.objects.get(number="测D1号")
    assert reimported.reviewers == [{"name": "张三", "kind": "staff"}]


def workbook(rows: list[dict[str, Any]]) -> bytes:
    headers = ["审查事项", "类别", "审查机构", "送审单位", "收到日期", "审查完成日期", "审查结论",
               "结论理由"]  # fmt: skip
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_bad_row_in_the_middle_writes_nothing_and_is_named(
    county: County, tmp_path: Path
) -> None:
    good = {"审查事项": "合同一", "类别": "行政协议及合同", "审查机构": "湘江县司法局",
            "送审单位": "白沙镇人民政府", "收到日期": "2026-06-01", "审查完成日期": "2026-06-05",
            "审查结论": "合法"}  # fmt: skip
    rows = [good, {**good, "审查事项": "纪要二", "类别": "法律"}, {**good, "审查事项": "合同三"}]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(rows))
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command(
            "import", "legality", str(path), "--unit", county.root.code,
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert str(info.value) == "导入失败：发现 1 处错误，未写入任何数据"
    line = err.getvalue().splitlines()[0]
    assert line.startswith("第3行【类别】“法律”不存在，应为：规范性文件、")
    assert not Review.objects.exists()
    # a declined row without its reason is named too
    path.write_bytes(workbook([good, {**good, "审查结论": "不予审查"}]))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import", "legality", str(path), "--unit", county.root.code,
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert err.getvalue().splitlines() == ["第3行【结论理由】审查结论为“不予审查”的，须写明理由"]
    assert not Review.objects.exists()


# --- figures ---------------------------------------------------------------------------------
#: the categories shipped in fixtures/categories.json (each has its own count metric)
CATEGORY_CODES = (
    "normative_doc",
    "gov_doc",
    "major_decision",
    "contract",
    "minutes",
    "agenda",
    "enforcement",
    "other",
)


def hand_count(year: int, unit: str | None = None) -> dict[str, Any]:
    """The figures counted by hand over :data:`ROWS` (the 审查机构 ``unit``'s subtree: the root
    when None; in this county only the root's subtree holds more than one keeper)."""
    done = []
    received = 0
    for _key, keeper, _sub, category, on, steps in ROWS:
        if unit is not None and keeper != unit:
            continue
        if d(on).year == year:
            received += 1
        for step in steps:
            name, when, *rest = step.split(":")
            if name in Conclusion.values and d(when).year == year:
                done.append((category, name, rest[0] if rest else "", _key))
    reviewed = [x for x in done if x[1] != "declined"]
    # late, counted by hand (working days after receipt): M1 会议纪要 from Mon 01-05, 10 wd →
    # 01-19, completed 01-30; N2 规范性文件 from Mon 03-02, 15 wd (03-03 … 03-23) → 03-23,
    # completed 03-30; N3 from Wed 04-01: 04-02 1, 04-03 2, 清明 04-04…04-06 off, 04-07 3 …
    # 04-23 15 → 04-23, completed 04-24.
    late = {"M1", "N2", "N3"}
    fed_back = [x for x in reviewed if x[2]]
    return {
        "received": received,
        "reviews": len(reviewed),
        "normative_doc": sum(1 for x in reviewed if x[0] == "normative_doc"),
        "minutes": sum(1 for x in reviewed if x[0] == "minutes"),
        "by_category": {c: sum(1 for x in reviewed if x[0] == c) for c in CATEGORY_CODES},
        "on_time": (len([x for x in reviewed if x[3] not in late]), len(reviewed)),
        "unlawful": sum(1 for x in done if x[1] == "unlawful"),
        "amended": sum(1 for x in done if x[1] == "amended"),
        "declined": sum(1 for x in done if x[1] == "declined"),
        "adopted": (sum(1 for x in fed_back if x[2] == "yes"), len(fed_back)),
    }


def test_metrics_equal_the_hand_count(county: County, made: dict[str, Review]) -> None:
    got = figures(county)
    hand = hand_count(2026)
    assert hand["reviews"] == 7 and hand["on_time"] == (4, 7)  # the hand count itself
    assert got["legality.received"][0] == hand["received"] == 11
    assert got["legality.reviews"][0] == hand["reviews"]
    assert got["legality.reviews_normative_doc"][0] == hand["normative_doc"] == 3
    assert got["legality.reviews_minutes"][0] == hand["minutes"] == 2
    assert got["legality.reviews_contract"][0] == 1
    assert got["legality.reviews_major_decision"][0] == 1
    assert got["legality.on_time_rate"][1:] == hand["on_time"]
    assert float(got["legality.on_time_rate"][0]) == pytest.approx(400 / 7, abs=0.05)
    assert got["legality.unlawful"][0] == hand["unlawful"] == 1
    assert got["legality.amended"][0] == hand["amended"] == 2
    assert got["legality.declined"][0] == hand["declined"] == 1
    assert got["legality.adoption_rate"][1:] == hand["adopted"] == (1, 2)
    # every per-category count (those with none too), and together they make the total
    for category, count in hand["by_category"].items():
        assert got[f"legality.reviews_{category}"][0] == count, category
    assert sum(hand["by_category"].values()) == hand["reviews"]
    # every legality metric is checked above
    checked = {"received", "reviews", "on_time_rate", "unlawful", "amended", "declined"}
    checked |= {"adoption_rate", *(f"reviews_{c}" for c in CATEGORY_CODES)}
    assert {code for code in got if code.startswith("legality.")} == {
        f"legality.{name}" for name in checked
    }
    assert figures(county, 2025)["legality.reviews"][0] == hand_count(2025)["reviews"] == 1
    # the 司法所 of 白沙镇 counts its own only
    town = OrgUnit.objects.get(pk=county.town_a.pk)
    mine = metric_value(
        actor=Actor.command_line(), unit=town, period=Period.for_year(2026), code="legality.reviews"
    )
    assert mine.value == hand_count(2026, "town_a")["reviews"] == 1


def test_the_facts_equal_the_registers(county: County, made: dict[str, Review]) -> None:
    checked, mismatches = facts_check()
    assert checked > 0 and mismatches == []
    svc.review_conclude(
        actor=Actor.command_line(),
        review=made["O1"],
        completed_on=dt.date(2026, 6, 30),
        conclusion="lawful",
    )
    assert facts_check()[1] == []
    assert figures(county)["legality.reviews"][0] == hand_count(2026)["reviews"] + 1
