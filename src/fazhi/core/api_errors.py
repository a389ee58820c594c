"""The API's one error shape, its documented status codes, and Chinese validation messages.

Every error response of ``/api/v1/`` is :class:`ErrorOut` — ``{"detail": "…"}`` or
``{"detail": ["…", "…"]}`` — with these status codes (:data:`ERROR_TEXT`):

* 400 — the request body is not a JSON object or is larger than Django's
  ``DATA_UPLOAD_MAX_MEMORY_SIZE``, or a query parameter holds a NUL character
  (``core.input_guard``): possible for every operation, so always declared;
* 401 — no valid API token and no signed-in session;
* 403 — the caller's role may not do this (audited as ``access.denied``);
* 404 — no such record, or not in the caller's subtree (never says which);
* 422 — a parameter or a body field is invalid or out of range (too large an id, a year
  outside 1949–2100, a negative offset …), or a business rule refuses the request. Each
  message names the field: ``查询参数 year：不能大于 2100``, ``受理日期：必须填写（请求体字段
  accepted_on）``.

An operation declares the codes that apply with :func:`responses` (the success schema and
:class:`ErrorOut` for each code, with the Chinese description of :data:`ERROR_TEXT`).
:func:`read_body` parses a JSON body against a schema after the caller's permission has been
checked (a role without the right gets 403, not a list of field errors).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, TypeVar

import pydantic
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.params import functions as param

#: The largest id a path or body may carry: the range of the BigAutoField primary keys
#: (``DEFAULT_AUTO_FIELD``), so a larger one is a 422 and never reaches the database.
MAX_ID = 2**63 - 1

#: The pattern of a free text that reaches the database as it is: no NUL character, which
#: PostgreSQL cannot hold (a 422, not a 500).
NO_NUL = r"^[^\x00]*$"

#: A record id in a path (1 … :data:`MAX_ID`).
RecordId = Annotated[int, param.Path(ge=1, le=MAX_ID, description=f"记录 id（1–{MAX_ID}）")]

#: Documented error codes and their meaning (the OpenAPI description of each).
ERROR_TEXT: dict[int, str] = {
    400: "请求无法处理：请求体不是 JSON 对象或过大，或网址参数含有不允许的控制字符（NUL）",
    401: "未登录，或接口令牌无效、已过期、已吊销",
    403: "当前岗位无权进行此操作",
    404: "记录不存在或不在您的管辖范围内",
    422: "参数或请求体字段无效、超出范围，或不符合业务规则（detail 逐条说明，并指出字段）",
}

OK_TEXT = {200: "成功", 201: "已登记"}

#: The names the API's views give their ninja-parsed body parameter.
_BODY_PARAMS = frozenset({"payload", "data"})

#: Where a parameter is, as named in a message.
_PLACES = {"query": "查询参数", "path": "路径参数", "body": "请求体字段", "header": "请求头"}


class ErrorOut(Schema):
    """An error response: one message, or one message per problem (each naming its field)."""

    detail: str | list[str]


def responses(ok: Mapping[int, Any], *codes: int) -> dict[str, Any]:
    """The ``response`` and ``openapi_extra`` arguments of a route: ``ok`` (status → schema)
    and :class:`ErrorOut` for each of ``codes`` and for 400 and 401 (which every operation can
    answer), described in Chinese."""
    unknown = set(codes) - set(ERROR_TEXT)
    if unknown:
        raise ValueError(f"未说明的错误码：{sorted(unknown)}")
    codes = tuple(sorted({400, 401, *codes}))
    response: dict[int, Any] = {**ok, **dict.fromkeys(codes, ErrorOut)}
    described = {code: {"description": OK_TEXT.get(code, "成功")} for code in ok}
    described |= {code: {"description": ERROR_TEXT[code]} for code in codes}
    extra = {"responses": described}
    return {"response": response, "openapi_extra": extra}


def merge_extra(*parts: Mapping[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` dictionaries merged key by key (one level of nesting)."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def _expected(ctx: Mapping[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    return expected.replace(" or ", ", ").replace(", ", "、").replace("'", "")


def error_text(error: Mapping[str, Any]) -> str:
    """The Chinese text of one pydantic error (without the field's name)."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    texts = {
        "missing": "必须填写",
        "extra_forbidden": "不是可接受的字段",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数",
        "float_parsing": "应为数字",
        "float_type": "应为数字",
        "bool_parsing": "应为 true 或 false",
        "bool_type": "应为 true 或 false",
        "string_type": "应为文本",
        "string_pattern_mismatch": (
            "不能含有控制字符（NUL）" if ctx.get("pattern") == NO_NUL else "格式不正确"
        ),
        "date_parsing": "应为 YYYY-MM-DD 格式的日期",
        "date_from_datetime_parsing": "应为 YYYY-MM-DD 格式的日期",
        "date_from_datetime_inexact": "应为 YYYY-MM-DD 格式的日期",
        "date_type": "应为 YYYY-MM-DD 格式的日期",
        "model_type": "应为 JSON 对象",
        "model_attributes_type": "应为 JSON 对象",
        "dict_type": "应为 JSON 对象",
        "json_invalid": "不是合法的 JSON",
        "greater_than_equal": f"不能小于 {ctx.get('ge')}",
        "greater_than": f"应大于 {ctx.get('gt')}",
        "less_than_equal": f"不能大于 {ctx.get('le')}",
        "less_than": f"应小于 {ctx.get('lt')}",
        "string_too_long": f"不能超过 {ctx.get('max_length')} 个字符",
        "too_long": f"最多 {ctx.get('max_length')} 项，请分批提交",
        "too_short": f"至少要有 {ctx.get('min_length')} 项",
        "string_too_short": (
            "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
        ),
        "literal_error": f"应为以下之一：{_expected(ctx)}",
        "enum": f"应为以下之一：{_expected(ctx)}",
    }
    return texts.get(kind, "取值无效")


def error_messages(
    errors: Iterable[Mapping[str, Any]], labels: Mapping[str, str] | None = None
) -> list[str]:
    """One Chinese message per invalid field, naming it: its label (``labels``, for body
    fields) and its name, or where the parameter is and its name. A field that fails every
    member of a union (a choice or ``null``, say) gets the first member's message only."""
    found: list[str] = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        place = loc[0] if loc and loc[0] in _PLACES else "body"
        names = loc[1:] if loc and loc[0] in _PLACES else loc
        if place == "body" and len(names) > 1 and names[0] in _BODY_PARAMS:
            names = names[1:]  # ninja puts the body parameter's name first
        name = names[0] if names else ""
        if (place, name) in seen:
            continue
        seen.add((place, name))
        label = (labels or {}).get(name, "")
        text = error_text(error)
        if not name or name in _BODY_PARAMS:
            message = f"请求体：{text}"
        elif label:
            message = f"{label}：{text}（{_PLACES[place]} {name}）"
        else:
            message = f"{_PLACES[place]} {name}：{text}"
        found.append(message)
    return found


def validation_detail(exc: NinjaValidationError) -> list[str]:
    """The messages of a ninja ValidationError (query, path and ninja-parsed bodies)."""
    return error_messages(exc.errors)


S = TypeVar("S", bound=pydantic.BaseModel)


def read_body(request: HttpRequest, schema: type[S]) -> S:
    """The request's JSON body as ``schema``: 400 if it is not a JSON object, 422 with one
    Chinese message per invalid field (labels from the fields' titles)."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "请求体不是合法的 JSON") from None
    if not isinstance(data, dict):
        raise HttpError(400, "请求体应为 JSON 对象")
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        labels = {name: f.title for name, f in schema.model_fields.items() if f.title}
        raise BodyInvalid(error_messages(exc.errors(include_url=False), labels)) from None


class BodyInvalid(Exception):
    """A request body that does not match its schema (answered 422 by ``fazhi.api``)."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = list(messages)


def body_doc(schema: type[pydantic.BaseModel], *, required: bool = True) -> dict[str, Any]:
    """The ``openapi_extra`` describing ``schema`` as the JSON request body (for a view that
    parses its body itself with :func:`read_body`)."""
    json_schema = schema.model_json_schema(ref_template="#/components/schemas/{model}")
    if "$defs" in json_schema:
        raise ValueError(f"{schema.__name__} 的请求体含嵌套定义，请展开为简单字段")
    return {
        "requestBody": {
            "required": required,
            "content": {"application/json": {"schema": json_schema}},
        }
    }
