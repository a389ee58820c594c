"""Role × in/out-of-subtree permission matrix for the 合法性审查 register, through the UI
(detail, history, a transition form and its POST), the API (detail, transition, list) and the
Excel export, written out by hand per persona (as tests/registers/test_permission_matrix.py).

An item is seen by the subtree of the 审查机构 (``unit``) and by the subtree of the 送审单位
(``submitter``); only the 审查机构's side, with the right to edit, moves it.

==== ================ ============ ==========================================================
key  审查机构          送审单位      seen by
==== ================ ============ ==========================================================
A    town_a (司法所)   village_a    town_a personas, root personas
B    town_b (司法所)   town_b       clerk_b, root personas
D    dept (司法局)     town_a       dept personas, town_a personas (read-only), root personas
==== ================ ============ ==========================================================

So a township's 司法所 sees its own township's items only (town_b sees neither A nor D).
The 系统管理员 (sysadmin) reads register records read-only, as it does for 复议/应诉; the
安全管理员 and 审计管理员 may not read registers (403).
"""

from __future__ import annotations

import json

import pytest
from tests.legality.conftest import d
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.legality import services as svc
from fazhi.legality.models import Review, Status
from fazhi.orgs.scoping import Actor

PERSONAS = [
    "clerk_a", "leader_a", "reviewer_a", "coordinator_a", "clerk_b", "dept_clerk",
    "reviewer", "coordinator", "leader", "sysadmin", "secadmin", "auditor",
]  # fmt: skip
VISIBLE: dict[str, set[str] | None] = {
    "clerk_a": {"A", "D"},
    "leader_a": {"A", "D"},
    "reviewer_a": {"A", "D"},
    "coordinator_a": {"A", "D"},
    "clerk_b": {"B"},
    "dept_clerk": {"D"},
    "reviewer": {"D"},
    "coordinator": {"A", "B", "D"},
    "leader": {"A", "B", "D"},
    "sysadmin": {"A", "B", "D"},
    "secadmin": FORBIDDEN,
    "auditor": FORBIDDEN,
}
HANDLES: dict[str, set[str]] = {
    "clerk_a": {"A"},
    "coordinator_a": {"A"},
    "clerk_b": {"B"},
    "dept_clerk": {"D"},
    "coordinator": {"A", "B", "D"},
}
KEYS = ("A", "B", "D")
START = {"started_on": "2026-06-26", "reviewers": "张三（法律顾问）"}


@pytest.fixture
def items(county: County) -> dict[str, Review]:
    cli = Actor.command_line()
    sides = {
        "A": (county.town_a, county.village_a),
        "B": (county.town_b, county.town_b),
        "D": (county.dept, county.town_a),
    }
    return {
        key: svc.review_register(
            actor=cli,
            unit=unit,
            submitter=submitter,
            title=f"矩阵事项{key}",
            category="contract",
            received_on=d("2026-06-24"),
            number=f"矩阵审{key}号",
        )
        for key, (unit, submitter) in sides.items()
    }


def expected_read(persona: str, key: str) -> int:
    visible = VISIBLE[persona]
    if visible is FORBIDDEN:
        return 403
    return 200 if key in visible else 404


def expected_write(persona: str, key: str) -> int:
    read = expected_read(persona, key)
    if read != 200:
        return read
    return 200 if key in HANDLES.get(persona, set()) else 403


CASES = [(p, k) for p in PERSONAS for k in KEYS]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_ui_then_api(county: County, items: dict[str, Review], persona: str, key: str) -> None:
    """The pages, then (on a second item state) the API: one county per pair keeps it fast."""
    review, client = items[key], county.client(persona)
    read, write = expected_read(persona, key), expected_write(persona, key)
    base = f"/legality/reviews/{review.pk}"
    detail = client.get(f"{base}/")
    assert detail.status_code == read
    if read == 200:
        assert (f"{base}/start/" in detail.content.decode()) == (write == 200)
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"{base}/start/").status_code == write
    response = client.post(f"{base}/start/", START)
    assert response.status_code == (302 if write == 200 else write)
    moved = Review.objects.get(pk=review.pk).status == Status.REVIEWING
    assert moved == (write == 200)

    api, headers = api_client(county, persona)
    url = f"/api/v1/legality/reviews/{review.pk}"
    assert api.get(url, headers=headers).status_code == read
    body = {"returned_on": "2026-06-29", "return_reason": "缺少依据"}
    returned = api.post(
        f"{url}/transitions/return",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
    assert returned.status_code == write
    assert (Review.objects.get(pk=review.pk).status == Status.RETURNED) == (write == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_export_and_api_list(county: County, items: dict[str, Review], persona: str) -> None:
    check_list_scope(
        county,
        persona,
        page="/legality/reviews/",
        api="/api/v1/legality/reviews",
        records=items,
        visible=VISIBLE[persona],
        field="number",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_create_page(county: County, persona: str) -> None:
    """登记 needs the right to edit; a unit outside the offered ones does not validate."""
    editors = {"clerk_a", "coordinator_a", "clerk_b", "dept_clerk", "coordinator"}
    client = county.client(persona)
    assert client.get("/legality/reviews/new/").status_code == (200 if persona in editors else 403)
    if persona == "clerk_b":  # 黄金乡 may not register an item between 白沙镇 units
        response = client.post(
            "/legality/reviews/new/",
            {
                "unit": county.town_a.code,
                "submitter": county.village_a.code,
                "title": "越权",
                "category": "contract",
                "received_on": "2026-06-24",
            },
        )
        assert response.status_code == 200 and not Review.objects.exists()


def test_matrix_is_complete() -> None:
    assert set(VISIBLE) == set(PERSONAS)
    assert all(h <= (VISIBLE[p] or set()) for p, h in HANDLES.items())
    # a township sees its own township's items only
    assert VISIBLE["clerk_b"] == {"B"} and "B" not in (VISIBLE["clerk_a"] or set())
