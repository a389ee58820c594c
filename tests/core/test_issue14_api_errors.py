"""Issue 14 item 5: the API's answers to bad requests. Out-of-range and malformed parameters
are 422 (the code the project already used for invalid input), never 500, with one Chinese
message per problem naming the field; a body that is not a JSON object is 400; no token is
401; and a caller without the right gets 403 (or 404 outside its subtree) before its body is
even read — the role × subtree matrix of the step operations. Time frozen at 2024-06-28."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.core.api_errors import ERROR_TEXT, MAX_ID
from fazhi.litigation import services as lit
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as rec
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase, Status

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
HUGE = str(10**30)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


class Api:
    def __init__(self, county: County, persona: str) -> None:
        _, raw = token_create(
            actor=Actor.command_line(), membership=county.memberships[persona], name="测试"
        )
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, url: str) -> Any:
        return self.client.get("/api/v1" + url, headers=self.headers)

    def post(self, url: str, body: Any, *, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(
            "/api/v1" + url, data, content_type="application/json", headers=self.headers
        )

    def patch(self, url: str, body: Any) -> Any:
        return self.client.patch(
            "/api/v1" + url, json.dumps(body), content_type="application/json", headers=self.headers
        )


def receive(county: County) -> ReconsiderationCase:
    return rec.case_receive(
        actor=Actor.command_line(),
        unit=county.town_a,
        respondent=county.village_a,
        number="E-1",
        received_on=dt.date(2024, 6, 24),
        act_category=ActCategory.PENALTY,
    )


def detail(response: Any) -> list[str]:
    found = response.json()["detail"]
    return [found] if isinstance(found, str) else list(found)


ID_PATHS = (
    "/reconsideration/cases/{id}",
    "/litigation/cases/{id}",
    "/reports/{id}",
)


@pytest.mark.parametrize("value", [str(MAX_ID + 1), HUGE, "0", "-1", "1e3", "abc"])
def test_ids_out_of_range_are_422_naming_the_parameter(county: County, value: str) -> None:
    api = Api(county, "clerk_a")
    for path in ID_PATHS:
        response = api.get(path.format(id=value))
        assert response.status_code == 422, (path, value)
        assert detail(response)[0].startswith("路径参数 "), response.content
    for path in (
        "/reconsideration/cases/{id}/transitions/accept",
        "/litigation/cases/{id}/hearings",
    ):
        response = api.post(path.format(id=value), {"accepted_on": "2024-06-25"})
        assert response.status_code == 422, (path, value)


def test_the_largest_id_is_a_plain_404(county: County) -> None:
    api = Api(county, "clerk_a")
    for path in ID_PATHS:
        assert api.get(path.format(id=MAX_ID)).status_code == 404
    gone = api.post(f"/reconsideration/cases/{MAX_ID}/transitions/accept", {})
    assert gone.status_code == 404
    assert detail(gone) == [ERROR_TEXT[404]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", "查询参数 limit：不能小于 1"),
        ("limit=501", "查询参数 limit：不能大于 500"),
        ("limit=-5", "查询参数 limit：不能小于 1"),
        (f"limit={HUGE}", "查询参数 limit：不能大于 500"),
        ("offset=-1", "查询参数 offset：不能小于 0"),
        ("offset=1000000001", "查询参数 offset：不能大于 1000000000"),
        ("year=1948", "查询参数 year：不能小于 1949"),
        ("year=2101", "查询参数 year：不能大于 2100"),
        ("year=abc", "查询参数 year：应为整数"),
        ("status=nope", "查询参数 status：应为以下之一："),
        ("q=" + "检" * 101, "查询参数 q：不能超过 100 个字符"),
    ],
)
def test_list_parameters_out_of_range_are_422(county: County, query: str, message: str) -> None:
    api = Api(county, "clerk_a")
    for app in ("reconsideration", "litigation"):
        response = api.get(f"/{app}/cases?{query}")
        assert response.status_code == 422, (app, query)
        assert detail(response)[0].startswith(message), detail(response)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/reports/?year=99999", "year"),
        (f"/reports/?year={HUGE}", "year"),
        ("/litigation/suggestions?year=0", "year"),
        ("/litigation/suggestions?state=late", "state"),
        ("/orgs/units?kind=village", "kind"),
        ("/core/deadline?rule=ogi.reply&start=2025-02-30", "start"),
        ("/core/deadline?rule=ogi.reply&start=9999-01-01", "start"),
        ("/core/deadline?rule=" + "r" * 65 + "&start=2025-01-01", "rule"),
        ("/metrics/?period=2024Q5", "period"),
        ("/metrics/?period=99999", "period"),
        ("/metrics/?unit=" + "9" * 33, "unit"),
    ],
)
def test_other_parameters_out_of_range_are_422_naming_the_parameter(
    county: County, url: str, name: str
) -> None:
    response = Api(county, "coordinator").get(url)
    assert response.status_code == 422, response.content
    assert detail(response)[0].startswith(f"查询参数 {name}："), detail(response)


def test_a_nul_is_refused_before_the_database(county: County) -> None:
    api = Api(county, "clerk_a")
    in_query = api.get("/reconsideration/cases?q=%00")
    assert in_query.status_code == 400 and in_query.json()["detail"]
    in_path = api.get("/orgs/units/4301%00")
    assert in_path.status_code == 422
    assert detail(in_path) == ["路径参数 code：不能含有控制字符（NUL）"]
    in_body = api.patch(f"/orgs/units/{county.town_a.code}", {"address": "白沙\x00路"})
    assert in_body.status_code == 422
    assert detail(in_body) == ["请求体字段 address：不能含有控制字符（NUL）"]


def test_a_body_field_out_of_range_is_422_naming_the_field(county: County) -> None:
    api = Api(county, "clerk_a")
    response = api.post(
        "/reconsideration/cases",
        {
            "unit": county.town_a.code,
            "received_on": "2024-02-30",
            "act_category": "penalty",
            "number": "号" * 65,
            "channel": "fax",
            "stray": 1,
        },
    )
    assert response.status_code == 422
    assert detail(response) == [
        "复议案号：不能超过 64 个字符（请求体字段 number）",
        "收到申请日期：应为 YYYY-MM-DD 格式的日期（请求体字段 received_on）",
        "申请方式：应为以下之一：in_person、post、online、oral、forwarded（请求体字段 channel）",
        "请求体字段 stray：不是可接受的字段",
    ]
    missing = api.post("/reconsideration/cases", {"unit": county.town_a.code})
    assert "收到申请日期：必须填写（请求体字段 received_on）" in detail(missing)
    assert "行政行为类别：必须填写（请求体字段 act_category）" in detail(missing)


def test_a_body_that_is_not_a_json_object_is_400(county: County) -> None:
    api = Api(county, "clerk_a")
    case = receive(county)
    for raw in ("{not json", "[1, 2]", '"text"', "\xff"):
        for url in (
            "/reconsideration/cases",
            f"/reconsideration/cases/{case.pk}/transitions/accept",
        ):
            response = api.post(url, None, raw=raw)
            assert response.status_code == 400, (url, raw)
            assert detail(response)[0].startswith("请求体")
    ninja_parsed = api.post("/reports/check", None, raw="{not json")
    assert ninja_parsed.status_code == 400
    assert detail(ninja_parsed) == [ERROR_TEXT[400]]


def test_no_token_is_401_in_chinese(county: County) -> None:
    client = Client()
    for url in ("/api/v1/core/me", "/api/v1/reconsideration/cases"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json() == {"detail": ERROR_TEXT[401]}
    wrong = client.get("/api/v1/core/me", headers={"Authorization": "Bearer fz_nope"})
    assert wrong.status_code == 401


def test_the_forms_old_inputs_still_pass(county: County) -> None:
    """Compatibility: a number for a text choice (中止情形 6), "" for an optional choice, null
    for an optional field, booleans as JSON booleans."""
    api = Api(county, "clerk_a")
    case = receive(county)
    accepted = api.post(
        f"/reconsideration/cases/{case.pk}/transitions/accept",
        {"accepted_on": "2024-06-25", "procedure": "", "note": None},
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["procedure"] == "ordinary"  # "" takes the form's initial value
    suspended = api.post(
        f"/reconsideration/cases/{case.pk}/transitions/suspend",
        {"suspended_on": "2024-06-26", "ground": 6},
    )
    assert suspended.status_code == 200, suspended.content
    assert suspended.json()["status"] == Status.SUSPENDED


def test_extension_days_are_bounded_by_the_schema_then_the_rule(county: County) -> None:
    api = Api(county, "clerk_a")
    case = receive(county)
    api.post(f"/reconsideration/cases/{case.pk}/transitions/accept", {"accepted_on": "2024-06-25"})
    url = f"/reconsideration/cases/{case.pk}/transitions/extend"
    huge = api.post(url, {"approved_on": "2024-06-27", "days": 10**30})
    assert huge.status_code == 422
    assert detail(huge) == ["延长天数：不能大于 365（请求体字段 days）"]
    over_rule = api.post(url, {"approved_on": "2024-06-27", "days": 300})
    assert over_rule.status_code == 422 and detail(over_rule)[0].startswith("延长天数：")


def test_unit_contact_fields_are_bounded(county: County) -> None:
    api = Api(county, "clerk_a")
    long = api.patch(f"/orgs/units/{county.town_a.code}", {"contact_person": "人" * 41})
    assert long.status_code == 422
    assert detail(long) == ["请求体字段 contact_person：不能超过 40 个字符"]
    stray = api.patch(f"/orgs/units/{county.town_a.code}", {"name": "改名"})
    assert stray.status_code == 422
    assert api.get("/orgs/units/" + "9" * 33).status_code == 422
    ok = api.patch(f"/orgs/units/{county.town_a.code}", {"contact_person": "白主任"})
    assert ok.status_code == 200 and ok.json()["contact_person"] == "白主任"


def test_report_text_and_bodies_are_bounded(county: County, settings: Any) -> None:
    api = Api(county, "clerk_a")
    response = api.post("/reports/check", {"text": "a" * 500_001})
    assert response.status_code == 422
    assert detail(response) == ["请求体字段 text：不能超过 500000 个字符"]
    ok = api.post("/reports/check", {"text": "2024年度法治政府建设情况报告"})
    assert ok.status_code == 200 and ok.json()["year"] == 2024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    for url in ("/reports/check", "/reconsideration/cases"):
        too_big = api.post(url, {"text": "a" * 2000})
        assert too_big.status_code == 400
        assert too_big.json() == {"detail": "请求体过大"}


# --- role × subtree: the caller's right is checked before its body ---------------------------
BAD_BODY = {"accepted_on": "not a date", "stray": True}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerk_a", 422),  # its own case: the body is read, and refused field by field
        ("coordinator", 422),  # the county's 依法治办 may handle its subtree's cases
        ("clerk_b", 404),  # another township: the case does not exist for it
        ("leader_a", 403),  # the 领导 of the unit reads, never acts
        ("reviewer_a", 403),  # nor does its 审核
        ("auditor", 403),  # 审计管理员: no business at all
    ],
)
def test_a_step_checks_the_caller_before_the_body(
    county: County, persona: str, status: int
) -> None:
    case = receive(county)
    response = Api(county, persona).post(
        f"/reconsideration/cases/{case.pk}/transitions/accept", BAD_BODY
    )
    assert response.status_code == status, response.content
    if status == 422:
        assert "受理日期：应为 YYYY-MM-DD 格式的日期（请求体字段 accepted_on）" in detail(response)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("clerk_a", 422), ("clerk_b", 422), ("leader_a", 403), ("auditor", 403)],
)
def test_a_create_checks_the_caller_before_the_body(
    county: County, persona: str, status: int
) -> None:
    for app in ("reconsideration", "litigation"):
        response = Api(county, persona).post(f"/{app}/cases", {"stray": 1})
        assert response.status_code == status, (app, response.content)


@pytest.mark.parametrize(
    ("persona", "status"), [("clerk_a", 422), ("clerk_b", 404), ("leader_a", 403)]
)
def test_a_hearing_checks_the_caller_before_the_body(
    county: County, persona: str, status: int
) -> None:
    case = lit.case_register(
        actor=Actor.command_line(),
        unit=county.town_a,
        number="（2024）湘0101行初9号",
        court="湘江县人民法院",
        filed_on=dt.date(2024, 6, 1),
    )
    response = Api(county, persona).post(
        f"/litigation/cases/{case.pk}/hearings", {"held_on": "2024-13-01"}
    )
    assert response.status_code == status, response.content


def _step_paths(app: str) -> list[str]:
    from fazhi.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    prefix = f"/api/v1/{app}/cases/{{case_id}}/"
    return sorted(p.removeprefix("/api/v1") for p in paths if p.startswith(prefix))


def test_every_step_operation_refuses_outsiders_and_readers_whatever_the_body(
    county: County,
) -> None:
    """The role × subtree matrix over every step operation of both registers: another
    township's 填报 gets 404, the unit's 领导 403, its own 填报 a field-by-field 422 (or the
    state's 422) — for the same stray body."""
    ids = {
        "reconsideration": receive(county).pk,
        "litigation": lit.case_register(
            actor=Actor.command_line(),
            unit=county.town_a,
            number="（2024）湘0101行初8号",
            court="湘江县人民法院",
            filed_on=dt.date(2024, 6, 1),
        ).pk,
    }
    expected = {"clerk_b": 404, "leader_a": 403, "auditor": 403, "clerk_a": 422}
    callers = {persona: Api(county, persona) for persona in expected}
    seen = 0
    for app, case_id in ids.items():
        for path in _step_paths(app):
            if path.endswith("{case_id}"):
                continue
            seen += 1
            url = path.replace("{case_id}", str(case_id))
            for persona, status in expected.items():
                if persona == "clerk_a" and url.endswith("/letter_reply"):
                    status = 403  # no 意见书 waits for its reply: the step is not its to take
                response = callers[persona].post(url, {"stray": "x" * 10})
                assert response.status_code == status, (persona, url, response.content)
    assert seen >= 25  # 19 复议 steps, 6 应诉 steps and 登记开庭
