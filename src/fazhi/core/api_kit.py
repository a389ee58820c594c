"""A register's REST endpoints, generated from its :class:`fazhi.core.registers.Register`.

:func:`register_routes` adds to an app's ninja ``Router``:

* ``GET  {path}``: the list, with one query parameter per declared list filter (the same
  names, choices and meaning as on the list page), ``q``, ``limit`` and ``offset``;
* ``GET  {path}/{id}``: one record with its events, deadlines and the transitions the caller
  may take now;
* ``POST {path}``: 登记 (validated by the register's create form, then its service);
* ``POST {path}/{id}/transitions/{name}``: a step (validated by the step's form, run by the
  workflow runner or the step's service).

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
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Query, Router, Schema
from ninja import Status as Reply
from pydantic import Field, create_model

from fazhi.core.api_auth import actor_of
from fazhi.core.api_paging import MAX_LIMIT, PageOut, api_page
from fazhi.core.audit import mask_text
from fazhi.core.dates import MAX_YEAR, MIN_YEAR
from fazhi.core.registers import Register
from fazhi.orgs.scoping import Actor

#: The largest ``offset`` accepted (a larger one is a 422, not a database overflow).
MAX_OFFSET = 1_000_000_000


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
    登记 fields; ``filter_doc`` overrides a filter's parameter description.
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


def _filters_schema(register: Register[Any], spec: RegisterApi) -> type[Schema]:
    docs = dict(spec.filter_doc or {})
    fields: dict[str, Any] = {}
    for flt in register.filters:
        static = () if callable(flt.choices) else flt.choices
        options = "；".join(f"{v} {label}" for v, label in static)
        text = docs.get(flt.name) or flt.label + (f"（{options}）" if options else "")
        number = flt.param_type is int  # a 年度: out of range is a 422, not a query
        low, high = (MIN_YEAR, MAX_YEAR) if number else (None, None)
        fields[flt.name] = (flt.param_type | None, Field(None, description=text, ge=low, le=high))
    search = "、".join(register.search_placeholder.split("、")) or "关键词"
    fields["q"] = (str | None, Field(None, description=f"检索：{search}"))
    fields["limit"] = (int, Field(50, description=f"每页条数（1–{MAX_LIMIT}，默认 50）"))
    fields["offset"] = (int, Field(0, ge=0, le=MAX_OFFSET, description="起始位置"))
    name = f"{spec.item.__name__.removesuffix('Out')}Filters"
    model: type[Schema] = create_model(name, __base__=Schema, **fields)
    return model


def _steps_doc(register: Register[Any]) -> str:
    lines = ["请求体为 JSON 对象，字段随办理事项而定（日期格式 YYYY-MM-DD，单位用单位编码）："]
    for step in register.steps:
        names = "、".join(step.form_class.base_fields) or "（无）"
        lines.append(f"- `{step.name}` {step.label}：{names}")
    return "\n".join(lines)


def register_routes(router: Router, register: Register[Any], spec: RegisterApi) -> Router:
    """Add the list, detail, create and transition endpoints of ``register`` to ``router``."""
    item, detail, path, id_name = spec.item, spec.detail, spec.path, spec.id_name
    page_name = f"{item.__name__.removesuffix('Out')}Page"
    page: Any = create_model(page_name, __base__=PageOut, items=(list[item], ...))  # type: ignore[valid-type]
    filters = _filters_schema(register, spec)
    item_fields: Callable[[Any], dict[str, Any]] = item.fields_of  # type: ignore[attr-defined]
    detail_of: Callable[[Any, Actor], Any] = detail.of  # type: ignore[attr-defined]

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
        response=page,
        summary=f"{spec.noun}列表",
        description=(
            "筛选与列表页相同。count 为符合条件的记录数，最多数到 10000：超过时 count 为 10000 "
            "且 count_capped 为 true（与列表页的“超过 10000 条”相同）。"
        ),
        operation_id=f"{register.key}_list",
    )(list_records)

    def get_record(request: HttpRequest, **kwargs: Any) -> Any:
        actor = actor_of(request)
        actor.require(register.view_cap)
        return detail_of(register.get_object(actor, kwargs[id_name]), actor)

    _sign(get_record, **{id_name: int})
    router.get(
        f"{path}/{{{id_name}}}",
        response=detail,
        summary=spec.detail_summary or f"{spec.noun}详情（含节点与期限）",
        operation_id=f"{register.key}_get",
    )(get_record)

    if register.create_form_class is not None:

        def create_record(request: HttpRequest, **kwargs: Any) -> Any:
            actor = actor_of(request)
            row = register.create_from(actor, kwargs["payload"])
            return Reply(201, detail_of(register.get_object(actor, row.pk), actor))

        _sign(create_record, payload=Body[dict[str, Any]])
        router.post(
            path,
            response={201: detail},
            summary=spec.create_summary or f"登记{spec.noun}",
            description=spec.create_doc,
            operation_id=f"{register.key}_create",
        )(create_record)

    if register.steps:

        def transition(request: HttpRequest, **kwargs: Any) -> Any:
            actor = actor_of(request)
            record_id, name = kwargs[id_name], kwargs["name"]
            register.perform(actor, register.get_object(actor, record_id), name, kwargs["payload"])
            return detail_of(register.get_object(actor, record_id), actor)

        _sign(transition, **{id_name: int, "name": str, "payload": Body[dict[str, Any]]})
        router.post(
            f"{path}/{{{id_name}}}/transitions/{{name}}",
            response=detail,
            summary=spec.transitions_summary,
            description=_steps_doc(register),
            operation_id=f"{register.key}_transition",
        )(transition)
    return router


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
