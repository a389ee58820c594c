"""A register's REST endpoints, generated from its :class:`fazhi.core.registers.Register`.

:func:`register_routes` adds to an app's ninja ``Router``:

* ``GET  {path}``: the list, with one query parameter per declared list filter (the same
  names and meaning as on the list page; a filter with fixed choices accepts only those),
  ``q``, ``limit`` (1–500) and ``offset`` (0–10^9);
* ``GET  {path}/{id}``: one record with its events, deadlines and the transitions the caller
  may take now;
* ``POST {path}``: 登记, the body declared from the register's create form
  (:func:`fazhi.core.api_forms.form_body`), validated by that form, then its service;
* ``POST {path}/{id}/transitions/{step}``: one operation per step, the body declared from the
  step's form (validated by it, run by the workflow runner or the step's service). An unknown
  step is a 404.

Every operation declares its error responses (:mod:`fazhi.core.api_errors`: 400, 401, 403,
404, 422 as they apply, one :class:`~fazhi.core.api_errors.ErrorOut` shape); ids in paths are
1 … 2^63−1. A write checks the caller's permission (and the record's state) before the body,
so a role without the right gets 403 whatever it sent.

An app's ``api.py`` keeps only its own schemas: the list item (with ``fields_of``) and the
detail (with ``of(obj, actor)``); the events, deadlines and transitions use the shared
:class:`EventOut`, :class:`DeadlineOut` and :class:`TransitionOut` (:func:`common_detail`).
All reads are scoped by ``visible_to`` through the register, errors are Chinese (``fazhi.api``).
"""

# No ``from __future__ import annotations``: ninja reads the generated views' annotations,
# which are built here at run time.
import datetime as dt
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import Field, create_model

from fazhi.core.api_auth import actor_of
from fazhi.core.api_errors import RecordId, body_doc, merge_extra, read_body, responses
from fazhi.core.api_forms import form_body, form_data
from fazhi.core.api_paging import MAX_LIMIT, PageOut, api_page
from fazhi.core.audit import mask_text
from fazhi.core.dates import MAX_YEAR, MIN_YEAR
from fazhi.core.registers import Register
from fazhi.orgs.scoping import Actor

#: The largest ``offset`` accepted (a larger one is a 422, not a database overflow).
MAX_OFFSET = 1_000_000_000
#: The longest search term (``q``) and free filter value (a unit code …) accepted.
MAX_TERM = 100
MAX_FILTER_VALUE = 64


class EventOut(Schema):
    """A timeline event of a register record (the date of the act, not of recording)."""

    on: dt.date
    kind: str
    actor_name: str
    note: str


class DeadlineOut(Schema):
    """A statutory deadline of a register record with its basis and state."""

    label: str
    due: dt.date | None
    basis: str
    done_on: dt.date | None
    running: bool
    overdue: bool
    state: str
    note: str


class TransitionOut(Schema):
    """A step the caller may take on the record now (``POST …/transitions/{name}``)."""

    name: str
    label: str


def common_detail(register: Register[Any], obj: Any, actor: Actor) -> dict[str, Any]:
    """The ``events``, ``deadlines`` and ``transitions`` of a detail response (masked notes)."""
    today = timezone.localdate()
    events = getattr(obj, "events", None)
    return {
        "events": [
            EventOut(on=e.on, kind=e.kind, actor_name=e.actor_name, note=mask_text(e.note))
            for e in (events.all() if events is not None else ())
        ],
        "deadlines": [DeadlineOut(**d.as_dict(today)) for d in register.deadlines(obj)],
        "transitions": [
            TransitionOut(name=s.name, label=s.label)
            for s in register.steps
            if register.step_allowed(actor, obj, s)
        ],
    }


@dataclass(frozen=True)
class RegisterApi:
    """What :func:`register_routes` needs beyond the register: the app's schemas and texts.

    ``item`` has ``fields_of(obj) -> dict``; ``detail`` has ``of(obj, actor)``. ``noun`` is
    the record's Chinese name in summaries (e.g. 行政复议案件); ``create_doc`` documents the
    登记 fields; ``transitions_summary`` opens each step's description; ``filter_doc``
    overrides a filter's parameter description; ``bounds`` gives an integer body field (by
    name) a range that makes sense when its form declares none.
    """

    item: type[Schema]
    detail: type[Schema]
    noun: str
    path: str = "/cases"
    id_name: str = "case_id"
    create_summary: str = ""
    create_doc: str = ""
    transitions_summary: str = "办理"
    detail_summary: str = ""
    filter_doc: Mapping[str, str] | None = None
    bounds: Mapping[str, tuple[int, int]] | None = None


def _filters_schema(register: Register[Any], spec: RegisterApi) -> type[Schema]:
    docs = dict(spec.filter_doc or {})
    fields: dict[str, Any] = {}
    for flt in register.filters:
        static = () if callable(flt.choices) else flt.choices
        options = "；".join(f"{v} {label}" for v, label in static)
        text = docs.get(flt.name) or flt.label + (f"（{options}）" if options else "")
        if flt.param_type is int:  # a 年度: out of range is a 422, not a query
            fields[flt.name] = (
                int | None,
                Field(None, description=text, ge=MIN_YEAR, le=MAX_YEAR),
            )
        elif static:  # fixed choices: only those
            values = tuple(str(v) for v, _ in static)
            fields[flt.name] = (Literal[values] | None, Field(None, description=text))
        else:
            fields[flt.name] = (
                str | None,
                Field(None, description=text, max_length=MAX_FILTER_VALUE),
            )
    search = "、".join(register.search_placeholder.split("、")) or "关键词"
    fields["q"] = (str | None, Field(None, description=f"检索：{search}", max_length=MAX_TERM))
    fields["limit"] = (
        int,
        Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}，默认 50）"),
    )
    fields["offset"] = (
        int,
        Field(0, ge=0, le=MAX_OFFSET, description=f"起始位置（0–{MAX_OFFSET}）"),
    )
    name = f"{spec.item.__name__.removesuffix('Out')}Filters"
    model: type[Schema] = create_model(name, __base__=Schema, **fields)
    return model


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def step_body(register: Register[Any], name: str, spec: RegisterApi | None = None) -> type[Any]:
    """The request body of ``register``'s step ``name`` (declared from the step's form)."""
    step = register.step_named(name)
    model_name = f"{_camel(register.key)}{_camel(step.name)}In"
    return form_body(model_name, step.form_class, bounds=spec.bounds if spec else None)


def run_step(
    request: HttpRequest, register: Register[Any], record_id: int, name: str, body: type[Any]
) -> tuple[Actor, Any]:
    """Take step ``name`` on the record: 404 if the caller does not see it, 403/422 if the
    step is not the caller's or not possible now (before the body is read), then the body
    (400/422), the step's form and its service. Returns the actor and the record, re-read."""
    actor = actor_of(request)
    obj = register.get_object(actor, record_id)
    register.step_check(actor, obj, register.step_named(name))
    payload = read_body(request, body)
    register.perform(actor, obj, name, form_data(payload))
    return actor, register.get_object(actor, record_id)


def _step_doc(step: Any, body: type[Any]) -> str:
    fields = body.model_fields
    names = "、".join(f"{n}（{f.title}）" if f.title else n for n, f in fields.items())
    return (
        f"{step.label}。请求体字段：{names or '无（发送 {}）'}；日期格式 YYYY-MM-DD，"
        "单位用单位编码。"
    )


def register_routes(router: Router, register: Register[Any], spec: RegisterApi) -> Router:
    """Add the list, detail, create and transition endpoints of ``register`` to ``router``."""
    item, detail, path, id_name = spec.item, spec.detail, spec.path, spec.id_name
    page_name = f"{item.__name__.removesuffix('Out')}Page"
    page: Any = create_model(page_name, __base__=PageOut, items=(list[item], ...))  # type: ignore[valid-type]
    filters = _filters_schema(register, spec)
    item_fields: Callable[[Any], dict[str, Any]] = item.fields_of  # type: ignore[attr-defined]
    detail_of: Callable[[Any, Actor], Any] = detail.of  # type: ignore[attr-defined]
    record_id = RecordId

    def list_records(request: HttpRequest, **kwargs: Any) -> Any:
        actor = actor_of(request)
        actor.require(register.view_cap)
        params = kwargs["params"]
        query = params.model_dump(exclude_none=True, exclude={"limit", "offset"})
        found = api_page(
            register.filtered(actor, {k: str(v) for k, v in query.items()}),
            limit=params.limit,
            offset=params.offset,
        )
        return page(**found.counts, items=[item(**item_fields(r)) for r in found.rows])

    _sign(list_records, params=Query[filters])  # type: ignore[valid-type,misc]
    router.get(
        path,
        summary=f"{spec.noun}列表",
        description=(
            "筛选与列表页相同。count 为符合条件的记录数，最多数到 10000：超过时 count 为 10000 "
            "且 count_capped 为 true（与列表页的“超过 10000 条”相同）。"
        ),
        operation_id=f"{register.key}_list",
        **responses({200: page}, 401, 403, 422),
    )(list_records)

    def get_record(request: HttpRequest, **kwargs: Any) -> Any:
        actor = actor_of(request)
        actor.require(register.view_cap)
        return detail_of(register.get_object(actor, kwargs[id_name]), actor)

    _sign(get_record, **{id_name: record_id})
    router.get(
        f"{path}/{{{id_name}}}",
        summary=spec.detail_summary or f"{spec.noun}详情（含节点与期限）",
        operation_id=f"{register.key}_get",
        **responses({200: detail}, 401, 403, 404, 422),
    )(get_record)

    if register.create_form_class is not None:
        create_body = form_body(
            f"{_camel(register.key)}CreateIn", register.create_form_class, bounds=spec.bounds
        )

        def create_record(request: HttpRequest) -> Any:
            actor = actor_of(request)
            if not register.can_create(actor):
                raise PermissionDenied(f"当前角色“{actor.role_label}”不能登记")
            payload = read_body(request, create_body)
            row = register.create_from(actor, form_data(payload))
            return Reply(201, detail_of(register.get_object(actor, row.pk), actor))

        documented = responses({201: detail}, 400, 401, 403, 422)
        router.post(
            path,
            response=documented["response"],
            summary=spec.create_summary or f"登记{spec.noun}",
            description=spec.create_doc,
            operation_id=f"{register.key}_create",
            openapi_extra=merge_extra(documented["openapi_extra"], body_doc(create_body)),
        )(create_record)

    for step in register.steps:
        _step_route(router, register, spec, step, detail_of, record_id)
    if register.steps:

        def unknown_step(request: HttpRequest, **kwargs: Any) -> Any:
            actor_of(request)
            raise Http404("没有这个办理事项")

        _sign(unknown_step, **{id_name: record_id, "name": str})
        router.post(
            f"{path}/{{{id_name}}}/transitions/{{name}}",
            response={404: Any},
            include_in_schema=False,
            operation_id=f"{register.key}_transition_unknown",
        )(unknown_step)
    return router


def _step_route(
    router: Router,
    register: Register[Any],
    spec: RegisterApi,
    step: Any,
    detail_of: Callable[[Any, Actor], Any],
    record_id: Any,
) -> None:
    """``POST {path}/{id}/transitions/{step.name}`` with the step's own body."""
    body = step_body(register, step.name, spec)
    id_name = spec.id_name

    def transition(request: HttpRequest, **kwargs: Any) -> Any:
        actor, obj = run_step(request, register, kwargs[id_name], step.name, body)
        return detail_of(obj, actor)

    _sign(transition, **{id_name: record_id})
    documented = responses({200: spec.detail}, 400, 401, 403, 404, 422)
    router.post(
        f"{spec.path}/{{{id_name}}}/transitions/{step.name}",
        response=documented["response"],
        summary=f"办理：{step.label}",
        description=f"{spec.transitions_summary}。\n\n{_step_doc(step, body)}",
        operation_id=f"{register.key}_transition_{step.name}",
        openapi_extra=merge_extra(documented["openapi_extra"], body_doc(body)),
    )(transition)


def _sign(view: Callable[..., Any], **params: Any) -> None:
    """Give a generated view the signature ninja reads: ``request`` and ``params`` (name →
    annotation); the view itself takes them as keyword arguments."""
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", keyword, annotation=HttpRequest),
            *(inspect.Parameter(n, keyword, annotation=a) for n, a in params.items()),
        ]
    )
