"""Role × in/out-of-subtree matrix of the 备案审查 pages: filings received (list, detail,
export), 审查建议 (list, detail, a step, export) and the catalogue export. Written out by hand:

==== =========================== ===================================================
key  received by / kept by       seen by
==== =========================== ===================================================
FB   湘江县人民政府 (白沙镇's)     root personas
FA   湘江县人民政府 (司法局's)     root personas
FV   白沙镇人民政府 (执法办's)     root personas, town_a personas
SB   湘江县人民政府               root personas
SV   白沙镇人民政府               root personas, town_a personas
==== =========================== ===================================================

A filing is never seen by the unit that *sent* it on these pages (dept, town_b see none);
the 安全管理员 and the 审计员 may not read registers (403). Only a role that edits, in the
register's own subtree, moves a 审查建议 (UI and API; the API answers 403 to a reader who sees
it and 404 outside the subtree).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook
from tests.filing_review.conftest import Docs
from tests.personas import County
from tests.registers.matrix import api_client

from fazhi.filing_review import services as svc
from fazhi.filing_review.models import Status, Suggestion
from fazhi.normative_docs import services as nd
from fazhi.normative_docs.models import Filing
from fazhi.orgs.scoping import Actor

FORBIDDEN = None
ROOT = {"FB", "FA", "FV"}
TOWN = {"FV"}
SUG_ROOT = {"SB", "SV"}
SUG_TOWN = {"SV"}
FILINGS: dict[str, set[str] | None] = {
    "sysadmin": ROOT,
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
    "coordinator": ROOT,
    "leader": ROOT,
    "reviewer": set(),
    "dept_clerk": set(),
    "clerk_a": TOWN,
    "clerk_b": set(),
    "leader_a": TOWN,
    "reviewer_a": TOWN,
    "coordinator_a": TOWN,
}
SUGGESTIONS: dict[str, set[str] | None] = {
    p: (None if v is None else SUG_ROOT if v == ROOT else SUG_TOWN if v == TOWN else set())
    for p, v in FILINGS.items()
}
#: who may move SV (白沙镇's 审查建议) through 研究处理: edit rights in its subtree
MOVES_SV = {"coordinator", "clerk_a", "coordinator_a"}


@pytest.fixture
def world(docs: Docs, county: County) -> dict[str, object]:
    village_filing = Filing.objects.get(document=docs.village, authority__isnull=False)
    nd.document_submit_filing(
        actor=Actor.command_line(),
        document=docs.village,
        filing=village_filing,
        submitted_on=dt.date(2025, 2, 10),
    )
    text = "该文件设定了罚款，超越权限，建议审查。"
    sb = svc.suggestion_submit(
        document=docs.building, applicant_name="甲某某", contact_phone="13800001111", text=text
    )
    sv = svc.suggestion_submit(
        document=docs.village, applicant_name="乙某某", contact_phone="13800002222", text=text
    )
    return {
        "FB": Filing.objects.get(document=docs.building, authority=county.root),
        "FA": Filing.objects.get(document=docs.aid, authority=county.root),
        "FV": village_filing,
        "SB": sb,
        "SV": sv,
    }


def _rows(content: bytes, column: int, skip: int) -> set[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return {str(r[column]) for r in list(sheet.iter_rows(values_only=True))[skip:]}


@pytest.mark.parametrize("persona", list(FILINGS))
def test_filings_received_matrix(persona: str, world: dict[str, object], county: County) -> None:
    expected = FILINGS[persona]
    client = county.client(persona)
    response = client.get("/filing-review/filings/")
    if expected is None:
        assert response.status_code == 403
        assert client.get("/filing-review/filings/export.xlsx").status_code == 403
        return
    html = response.content.decode()
    for key in ("FB", "FA", "FV"):
        filing = world[key]
        assert isinstance(filing, Filing)
        shown = f'href="/filing-review/filings/{filing.pk}/"' in html
        assert shown == (key in expected), key
        detail = client.get(f"/filing-review/filings/{filing.pk}/")
        assert detail.status_code == (200 if key in expected else 404), key
    exported = client.get("/filing-review/filings/export.xlsx")
    titles = _rows(exported.content, 0, 1)
    want = {world[k].document.title for k in expected}  # type: ignore[attr-defined]
    assert titles == want


@pytest.mark.parametrize("persona", list(SUGGESTIONS))
def test_suggestions_matrix(persona: str, world: dict[str, object], county: County) -> None:
    expected = SUGGESTIONS[persona]
    client = county.client(persona)
    response = client.get("/filing-review/suggestions/")
    if expected is None:
        assert response.status_code == 403
        assert client.get("/filing-review/suggestions/export.xlsx").status_code == 403
        return
    html = response.content.decode()
    for key in ("SB", "SV"):
        suggestion = world[key]
        assert isinstance(suggestion, Suggestion)
        shown = f'href="/filing-review/suggestions/{suggestion.pk}/"' in html
        assert shown == (key in expected), key
        detail = client.get(f"/filing-review/suggestions/{suggestion.pk}/")
        assert detail.status_code == (200 if key in expected else 404), key
    units = _rows(client.get("/filing-review/suggestions/export.xlsx").content, 2, 1)
    assert units == {world[k].unit.name for k in expected}  # type: ignore[attr-defined]
    # personal data never in an export
    content = client.get("/filing-review/suggestions/export.xlsx").content
    for sheet_row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True):
        assert "乙某某" not in sheet_row and "13800002222" not in sheet_row
    # the 研究处理 step on SV
    sv = world["SV"]
    assert isinstance(sv, Suggestion)
    client.post(f"/filing-review/suggestions/{sv.pk}/study/", {"studied_on": "2025-06-20"})
    sv.refresh_from_db()
    assert (sv.status == Status.STUDYING) == (persona in MOVES_SV)


@pytest.mark.parametrize("persona", list(FILINGS))
def test_catalogue_export_matrix(persona: str, world: dict[str, object], county: County) -> None:
    client = county.client(persona)
    response = client.get("/filing-review/catalogue/", {"annual": "2025", "export": "annual"})
    if FILINGS[persona] is None:
        assert response.status_code == 403
        return
    titles = _rows(response.content, 1, 2)
    docs_2025 = {
        "root": {"湘江县司法局法律援助便民服务规定", "白沙镇综合执法公示规定"},
        "town_a": {"白沙镇综合执法公示规定"},
        "other": set(),
    }
    unit = county.memberships[persona].unit
    key = "root" if unit == county.root else "town_a" if unit == county.town_a else "other"
    if unit == county.dept:
        assert titles == {"湘江县司法局法律援助便民服务规定"}
    else:
        assert titles == docs_2025[key]


API = "/api/v1/filing-review"


@pytest.mark.parametrize("persona", list(FILINGS))
def test_api_matrix(persona: str, world: dict[str, object], county: County) -> None:
    client, headers = api_client(county, persona)
    expected, expected_s = FILINGS[persona], SUGGESTIONS[persona]
    listed = client.get(f"{API}/filings", headers=headers)
    if expected is None:
        assert listed.status_code == 403
        assert client.get(f"{API}/suggestions", headers=headers).status_code == 403
        return
    ids = {row["id"] for row in listed.json()["items"]}
    assert ids == {world[k].pk for k in expected}  # type: ignore[attr-defined]
    for key in ("FB", "FA", "FV"):
        status = client.get(f"{API}/filings/{world[key].pk}", headers=headers).status_code  # type: ignore[attr-defined]
        assert status == (200 if key in expected else 404), key
    assert expected_s is not None
    body = client.get(f"{API}/suggestions", headers=headers).json()
    assert {row["id"] for row in body["items"]} == {world[k].pk for k in expected_s}  # type: ignore[attr-defined]
    for row in body["items"]:
        assert row["applicant_name"] in ("***", "****")  # masked: 甲某某 / 乙某某
    sv = world["SV"]
    assert isinstance(sv, Suggestion)
    answer = client.post(
        f"{API}/suggestions/{sv.pk}/transitions/study",
        data=json.dumps({"studied_on": "2025-06-20"}),
        content_type="application/json",
        headers=headers,
    )
    if persona in MOVES_SV:
        assert answer.status_code == 200, answer.content
    else:
        assert answer.status_code == (403 if "SV" in expected_s else 404), answer.content
    sv.refresh_from_db()
    assert (sv.status == Status.STUDYING) == (persona in MOVES_SV)
