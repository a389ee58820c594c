"""Role × in/out-of-subtree permission matrix of the 三项制度 registers through the UI (detail,
history, a transition form and its POST), the API (detail, transition, list) and the Excel
export, written out per persona (as tests/registers/test_permission_matrix.py).

A row belongs to its 执法主体's unit and is seen by that unit's subtree:

==== ===================== =====================================================
key  unit                  seen by
==== ===================== =====================================================
A    town_a (白沙镇)        town_a personas, root personas
B    town_b (黄金乡)        clerk_b, root personas
D    dept (司法局)          dept personas, root personas
M    market (市场监管局)    root personas
==== ===================== =====================================================
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.enforcement_oversight.conftest import Eo, d
from tests.personas import County
from tests.registers.matrix import FORBIDDEN, api_client, check_list_scope

from fazhi.enforcement_oversight import services as svc
from fazhi.enforcement_oversight.models import Withdrawal, WithdrawalStatus
from fazhi.orgs.scoping import Actor

PERSONAS = [
    "clerk_a", "leader_a", "reviewer_a", "coordinator_a", "clerk_b", "dept_clerk",
    "reviewer", "coordinator", "leader", "sysadmin", "secadmin", "auditor",
]  # fmt: skip
ALL = {"A", "B", "D", "M"}
VISIBLE: dict[str, set[str] | None] = {
    "clerk_a": {"A"}, "leader_a": {"A"}, "reviewer_a": {"A"}, "coordinator_a": {"A"},
    "clerk_b": {"B"}, "dept_clerk": {"D"}, "reviewer": {"D"},
    "coordinator": ALL, "leader": ALL, "sysadmin": ALL,
    "secadmin": FORBIDDEN, "auditor": FORBIDDEN,
}  # fmt: skip
HANDLES: dict[str, set[str]] = {
    "clerk_a": {"A"}, "coordinator_a": {"A"}, "clerk_b": {"B"}, "dept_clerk": {"D"},
    "coordinator": ALL,
}  # fmt: skip
KEYS = ("A", "B", "D", "M")
UNIT_KEY = {"A": "town_a", "B": "town_b", "D": "dept", "M": "market"}


@pytest.fixture
def rows(eo: Eo) -> dict[str, dict[str, Any]]:
    """One row of every register per key (through the services)."""
    cli = Actor.command_line()
    out: dict[str, dict[str, Any]] = {k: {} for k in ("w", "m", "p", "disc", "rec", "s")}
    for key, unit_key in UNIT_KEY.items():
        s = eo.subjects[unit_key]
        out["s"][key] = s
        out["w"][key] = svc.withdrawal_register(
            actor=cli, subject=s, document_number=f"矩阵撤{key}号", change_kind="varied",
            changed_on=d("2026-06-26"),
        )  # fmt: skip
        out["m"][key] = svc.major_register(
            actor=cli, subject=s, case_number=f"矩阵重{key}号", title=f"矩阵案{key}",
            major_case="complex", proposal="拟", registered_on=d("2026-06-20"),
        )  # fmt: skip
        out["p"][key] = svc.publication_open(actor=cli, subject=s, year=2025)
        out["disc"][key] = svc.disclosure_register(
            actor=cli, subject=s, item="staff", published_on=d("2026-01-05"),
            place=f"矩阵网址{key}",
        )  # fmt: skip
        out["rec"][key] = svc.recording_item_register(
            actor=cli, subject=s, matter=f"矩阵事项{key}", category="coercion"
        )
    return out


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
WITHDRAW = {"withdrawn_on": "2026-06-29", "explanation": "原决定已变更"}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "key"), CASES)
def test_ui_then_api(
    county: County, rows: dict[str, dict[str, Any]], persona: str, key: str
) -> None:
    w, client = rows["w"][key], county.client(persona)
    read, write = expected_read(persona, key), expected_write(persona, key)
    base = f"/enforcement-oversight/withdrawals/{w.pk}"
    detail = client.get(f"{base}/")
    assert detail.status_code == read
    if read == 200:
        assert (f"{base}/withdraw/" in detail.content.decode()) == (write == 200)
    assert client.get(f"{base}/history/").status_code == read
    assert client.get(f"{base}/withdraw/").status_code == write
    # the other registers' detail pages answer the same
    for kind, prefix in (("m", "major-decisions"), ("p", "publications"), ("s", "subjects"),
                         ("disc", "disclosures"), ("rec", "recording-items")):  # fmt: skip
        page = client.get(f"/enforcement-oversight/{prefix}/{rows[kind][key].pk}/")
        assert page.status_code == read, prefix
    # API: detail, then the transition (its POST moves the row only for a handler)
    api, headers = api_client(county, persona)
    url = f"/api/v1/enforcement-oversight/withdrawals/{w.pk}"
    assert api.get(url, headers=headers).status_code == read
    done = api.post(
        f"{url}/transitions/withdraw", json.dumps(WITHDRAW), content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert done.status_code == write
    moved = Withdrawal.objects.get(pk=w.pk).status == WithdrawalStatus.WITHDRAWN
    assert moved == (write == 200)
    if write == 200:
        return
    response = client.post(f"{base}/withdraw/", WITHDRAW)
    assert response.status_code == write
    assert Withdrawal.objects.get(pk=w.pk).status == WithdrawalStatus.PENDING


LISTS = (
    ("w", "withdrawals", "document_number"),
    ("m", "major-decisions", "case_number"),
    ("disc", "disclosures", "place"),
    ("rec", "recording-items", "matter"),
)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_export_and_api_list(
    county: County, rows: dict[str, dict[str, Any]], persona: str
) -> None:
    for kind, prefix, field in LISTS:
        check_list_scope(
            county, persona,
            page=f"/enforcement-oversight/{prefix}/", api=f"/api/v1/enforcement-oversight/{prefix}",
            records=rows[kind], visible=VISIBLE[persona], field=field,
        )  # fmt: skip
    # publications and subjects: by the subject's name
    client = county.client(persona)
    for prefix in ("publications", "subjects"):
        listing = client.get(f"/enforcement-oversight/{prefix}/")
        export = client.get(f"/enforcement-oversight/{prefix}/export.xlsx")
        if VISIBLE[persona] is FORBIDDEN:
            assert listing.status_code == export.status_code == 403
            continue
        text = listing.content.decode()
        for key, s in rows["s"].items():
            assert (s.name in text) == (key in (VISIBLE[persona] or set())), (prefix, key)
    api, headers = api_client(county, persona)
    found = api.get("/api/v1/enforcement-oversight/publications", headers=headers)
    if VISIBLE[persona] is FORBIDDEN:
        assert found.status_code == 403
    else:
        names = {r["subject_name"] for r in found.json()["items"]}
        assert names == {rows["s"][k].name for k in VISIBLE[persona] or set()}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_create_pages(county: County, eo: Eo, persona: str) -> None:
    editors = {"clerk_a", "coordinator_a", "clerk_b", "dept_clerk", "coordinator"}
    client = county.client(persona)
    for prefix in (
        "withdrawals",
        "major-decisions",
        "publications",
        "disclosures",
        "recording-items",
    ):
        page = client.get(f"/enforcement-oversight/{prefix}/new/")
        assert page.status_code == (200 if persona in editors else 403), prefix
    if persona == "clerk_b":  # 黄金乡 may not register for 白沙镇's subject
        response = client.post(
            "/enforcement-oversight/withdrawals/new/",
            {"subject": eo.subjects["town_a"].pk, "document_number": "越权",
             "decision_kind": "penalty",
             "change_kind": "varied", "changed_on": "2026-06-29"},
        )  # fmt: skip
        assert response.status_code == 200 and not Withdrawal.objects.exists()


def test_matrix_is_complete() -> None:
    assert set(VISIBLE) == set(PERSONAS)
    assert all(h <= (VISIBLE[p] or set()) for p, h in HANDLES.items())
