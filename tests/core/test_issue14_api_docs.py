"""Issue 14 item 5: the API's description in the production profile is for signed-in users
only (the page redirects to the login page, the JSON answers 401 unless a valid token is sent),
and its Swagger UI is served from django-ninja's bundled static files — no CDN, no inline
script (the Content-Security-Policy allows none)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.shortcuts import resolve_url
from django.test import Client
from tests.personas import County

from fazhi.accounts.services import token_create
from fazhi.core.api_errors import ERROR_TEXT
from fazhi.orgs.scoping import Actor

DOCS, JSON = "/api/v1/docs", "/api/v1/openapi.json"


@pytest.fixture
def production(settings: Any) -> None:
    settings.PRODUCTION = True


def test_in_production_the_page_asks_to_log_in(
    county: County, production: None, settings: Any
) -> None:
    response = Client().get(DOCS)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/api/v1/docs"


def test_in_production_the_json_needs_a_session_or_a_token(
    county: County, production: None
) -> None:
    anonymous = Client().get(JSON)
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": ERROR_TEXT[401]}
    wrong = Client().get(JSON, headers={"Authorization": "Bearer fz_wrong"})
    assert wrong.status_code == 401
    _, raw = token_create(
        actor=Actor.command_line(), membership=county.memberships["clerk_a"], name="文档"
    )
    with_token = Client().get(JSON, headers={"Authorization": f"Bearer {raw}"})
    assert with_token.status_code == 200 and "paths" in with_token.json()


@pytest.mark.parametrize("persona", ["clerk_a", "leader", "auditor", "sysadmin"])
def test_in_production_any_signed_in_user_reads_them(
    county: County, production: None, persona: str
) -> None:
    client = county.client(persona)
    assert client.get(DOCS).status_code == 200
    assert client.get(JSON).status_code == 200


def test_in_development_they_stay_open(county: County, settings: Any) -> None:
    settings.PRODUCTION = False
    assert Client().get(DOCS).status_code == 200
    assert Client().get(JSON).status_code == 200


def test_the_page_uses_local_assets_and_no_inline_script(county: County) -> None:
    page = county.client("clerk_a").get(DOCS).content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], sources
    assert "cdn" not in page.lower()
    # Only a JSON data block (the settings), never an executable inline script.
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert "src=" not in attributes or not body.strip()
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset
