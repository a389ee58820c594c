"""Shared parts of the registers' role × subtree matrices (each register's own test module
declares its records and who sees them; these check the list page, its export and the API list
the same way for every register)."""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping
from typing import Any

from django.test import Client
from openpyxl import load_workbook
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.orgs.scoping import Actor

FORBIDDEN = None  # the role may not read registers at all (HTTP 403)


def api_client(county: County, persona: str) -> tuple[Client, dict[str, str]]:
    _, raw = token_create(
        actor=Actor.command_line(), membership=county.memberships[persona], name="矩阵"
    )
    return Client(), {"Authorization": f"Bearer {raw}"}


def exported_values(content: bytes) -> set[str]:
    """Every string cell of every sheet (the register's own layout may change)."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    }


def check_list_scope(
    county: County,
    persona: str,
    *,
    page: str,
    api: str,
    records: Mapping[str, Any],
    visible: Collection[str] | None,
    field: str,
) -> set[str] | None:
    """The list ``page`` (and its ``export.xlsx``) and the ``api`` list show exactly the
    ``visible`` keys of ``records`` (by their ``field``, e.g. the 编号), or all answer 403 when
    ``visible`` is :data:`FORBIDDEN`. Returns the exported values for further checks."""
    client = county.client(persona)
    api_client_, headers = api_client(county, persona)
    listing = client.get(page)
    export = client.get(f"{page}export.xlsx")
    api_list = api_client_.get(api, headers=headers)
    if visible is FORBIDDEN:
        assert listing.status_code == export.status_code == api_list.status_code == 403
        return None
    shown = {getattr(records[k], field) for k in visible}
    hidden = {getattr(r, field) for k, r in records.items() if k not in visible}
    text = listing.content.decode()
    assert all(n in text for n in shown) and not any(n in text for n in hidden)
    assert export.status_code == 200
    values = exported_values(export.content)
    assert shown <= values and not (hidden & values)
    assert {r[field] for r in api_list.json()["items"]} == shown
    return values
