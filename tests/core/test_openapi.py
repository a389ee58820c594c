"""The OpenAPI description names each app's schemas apart: the 复议 and 应诉 case lists each
document their own fields (two classes of the same name would collapse into one)."""

from __future__ import annotations

from typing import Any

from fazhi.api import api


def _resolve(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return found


def test_each_case_list_documents_its_own_fields() -> None:
    schema = api.get_openapi_schema()
    fields = {}
    for app in ("reconsideration", "litigation"):
        path = next(p for p in schema["paths"] if p.endswith(f"/{app}/cases"))
        responses = schema["paths"][path]["get"]["responses"]
        response = responses.get(200) or responses["200"]
        page = _resolve(schema, response["content"]["application/json"]["schema"]["$ref"])
        item = _resolve(schema, page["properties"]["items"]["items"]["$ref"])
        fields[app] = set(item["properties"])
        assert {"count", "count_capped"} <= set(page["properties"])
    assert "applicant_name_masked" in fields["reconsideration"]
    assert "applicant_name_masked" not in fields["litigation"]
    assert "plaintiff_name_masked" in fields["litigation"]
