"""Issue 14 item 5: what /api/v1/openapi.json promises. Every write declares its body (typed,
bounded, no free-form object), every parameter is bounded, every operation documents its error
codes with the one error shape, and the body schemas follow the forms (the models' choices)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from fazhi.api import api
from fazhi.core.api_errors import ERROR_TEXT, MAX_ID, responses
from fazhi.core.api_forms import form_body
from fazhi.core.register_forms import StepForm
from fazhi.litigation.models import Result
from fazhi.reconsideration.models import ActCategory, SuspensionGround

SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
WRITES = {"post", "put", "patch"}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in SCHEMA["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _body(op: dict[str, Any]) -> dict[str, Any]:
    return _resolve(op["requestBody"]["content"]["application/json"]["schema"])


def _alternatives(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A property's schema without ``null`` (and its ``anyOf`` alternatives, flattened)."""
    node = _resolve(node)
    if "anyOf" in node:
        found = [a for n in node["anyOf"] for a in _alternatives(n)]
        return [{**n, **{k: v for k, v in node.items() if k != "anyOf"}} for n in found]
    return [] if node.get("type") == "null" else [node]


def _bounded(node: dict[str, Any]) -> bool:
    if "enum" in node or "const" in node:
        return True
    kind = node.get("type")
    if kind in ("integer", "number"):
        return "maximum" in node and "minimum" in node
    if kind == "string":
        return "maxLength" in node or node.get("format") == "date"
    if kind == "array":  # a bounded list of bounded items
        items = _alternatives(node.get("items", {}))
        return "maxItems" in node and bool(items) and all(_bounded(i) for i in items)
    if kind == "object":  # a closed object of bounded properties
        properties = node.get("properties", {})
        return node.get("additionalProperties") is False and all(
            _bounded(a) for prop in properties.values() for a in _alternatives(prop)
        )
    return kind == "boolean"


def test_the_operations_are_there() -> None:
    ops = _operations()
    assert len(ops) > 40
    assert sum(1 for method, _, _ in ops if method in WRITES) > 25


@pytest.mark.parametrize(
    ("method", "path", "op"),
    [o for o in _operations() if o[0] in WRITES],
    ids=[f"{m} {p}" for m, p, _ in _operations() if m in WRITES],
)
def test_every_write_declares_a_closed_bounded_body(
    method: str, path: str, op: dict[str, Any]
) -> None:
    assert op["requestBody"]["required"] is True
    body = _body(op)
    assert body["type"] == "object"
    assert body.get("additionalProperties") is False, "no free-form object body"
    assert "properties" in body
    for name, prop in body["properties"].items():
        for alternative in _alternatives(prop):
            assert _bounded(alternative), f"{name}: {alternative}"
        assert _resolve(prop).get("title") or prop.get("title"), f"{name} has no Chinese title"


@pytest.mark.parametrize(
    ("method", "path", "op"), _operations(), ids=[f"{m} {p}" for m, p, _ in _operations()]
)
def test_every_parameter_is_bounded_and_every_error_documented(
    method: str, path: str, op: dict[str, Any]
) -> None:
    for parameter in op.get("parameters", []):
        for alternative in _alternatives(parameter["schema"]):
            assert _bounded(alternative), f"{parameter['name']}: {alternative}"
    codes = {int(code) for code in op["responses"]}
    expected = {400, 401, 403}  # 400: a NUL in any query string, a body that is no object
    if op.get("parameters") or method in WRITES:
        expected.add(422)
    if "{" in path:
        expected.add(404)
    assert expected <= codes, f"{method} {path}: {sorted(codes)}"
    for code in codes - {200, 201}:
        response = op["responses"].get(str(code)) or op["responses"][code]
        assert response["description"] == ERROR_TEXT[code]
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_the_error_shape_is_a_text_or_a_list_of_texts() -> None:
    error = _resolve({"$ref": "#/components/schemas/ErrorOut"})
    assert error["required"] == ["detail"]
    kinds = error["properties"]["detail"]["anyOf"]
    assert {"type": "string"} in kinds
    assert {"type": "array", "items": {"type": "string"}} in kinds


def test_ids_fit_the_primary_key() -> None:
    op = SCHEMA["paths"]["/api/v1/reconsideration/cases/{case_id}"]["get"]
    (case_id,) = op["parameters"]
    assert case_id["schema"]["minimum"] == 1
    assert case_id["schema"]["maximum"] == MAX_ID == 2**63 - 1


def test_body_choices_are_the_models_choices() -> None:
    paths = SCHEMA["paths"]
    create = _body(paths["/api/v1/reconsideration/cases"]["post"])
    assert create["properties"]["act_category"]["enum"] == list(ActCategory.values)
    assert {"unit", "received_on", "act_category"} <= set(create["required"])
    assert create["properties"]["received_on"]["format"] == "date"
    assert create["properties"]["confirm_dates"]  # the 我已核对日期无误 check box
    suspend = _body(paths["/api/v1/reconsideration/cases/{case_id}/transitions/suspend"]["post"])
    assert suspend["properties"]["ground"]["enum"] == list(SuspensionGround.values)
    close = _body(paths["/api/v1/litigation/cases/{case_id}/transitions/close"]["post"])
    assert close["properties"]["result"]["enum"] == list(Result.values)
    extend = _body(paths["/api/v1/reconsideration/cases/{case_id}/transitions/extend"]["post"])
    assert (extend["properties"]["days"]["minimum"], extend["properties"]["days"]["maximum"]) == (
        1,
        365,
    )


def test_a_step_without_fields_takes_an_empty_object() -> None:
    op = SCHEMA["paths"]["/api/v1/reconsideration/cases/{case_id}/transitions/deem_accepted"]
    body = _body(op["post"])
    assert body["properties"] == {} and body["additionalProperties"] is False


def test_a_form_field_without_an_api_type_is_refused() -> None:
    class Upload(StepForm):
        file = forms.FileField(label="附件")

    with pytest.raises(TypeError, match="file"):
        form_body("UploadIn", Upload)


def test_an_undocumented_error_code_is_refused() -> None:
    with pytest.raises(ValueError, match="418"):
        responses({200: None}, 418)
