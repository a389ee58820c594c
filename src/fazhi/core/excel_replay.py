"""Excel for a register whose rows replay its workflow: declared, not written.

A register whose records go through steps (受理 → 调解成功 → 司法确认; 登记 → 送审 → 审核 →
述法 → 评议; 立案 → 开庭 → 裁判) keeps one row per record with one dated column per step, and
its import must replay the steps through the register's services, in date order, so that the
timeline, the audit entries and the deadline checks are those of records entered on screen.
:func:`replay_excel` builds such a register's :class:`~fazhi.core.excel.ExcelRegister` from a
declaration:

* ``create`` and ``calls``: the service calls (:class:`Call`) — the first creates the record,
  each later one runs when its column is filled (and its ``when`` holds), with keyword
  arguments taken from the row's cells (:data:`Arg`);
* ``lookups``: cells that name an existing record (调委会, 关联复议案号), matched in the
  importing unit's scope in one query per column (:class:`Lookup`);
* ``rules``: the checks between cells that the services cannot make before the file is
  written (:class:`Together`, :class:`Requires`, :class:`Chain`, :class:`OnlyWhen`,
  :class:`NotAfter`, :class:`Unique`, :class:`Required`; any object with their ``check``
  method may be added);
* ``group``: when several rows make one record (one row per 开庭), which columns identify the
  record, which belong to each row, and the call made once per row (:class:`Group`).

Importing checks every row (:func:`~fazhi.core.excel.read_xlsx`, the lookups, the rules),
then runs the calls of the clean records in date order, all or nothing
(:func:`~fazhi.core.excel.run_import`). Exporting writes each exportable column from the
record's attribute of the column's key, or from ``export[key](record)``; with a group, one row
per child record (``group.children``), whose row columns are read from the child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models

from fazhi.core.excel import (
    ExcelRegister,
    ImportResult,
    Kind,
    Progress,
    Row,
    RowError,
    Spec,
    Step,
    UnitMatcher,
    export_xlsx,
    read_xlsx,
    run_import,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, visible_to

Values = Mapping[str, Any]
#: A service argument: a column key (the cell's value; a blank cell gives the column's blank
#: value — "" for text and choices, [] for a multiple choice, None otherwise), a pair
#: ``(key, default)`` (the default for a blank cell), or a function of the record's values.
Arg = str | tuple[str, Any] | Callable[[Values], Any]


@dataclass(frozen=True)
class Call:
    """One service call of a record's import.

    ``column`` is the key of the column that triggers the call (the first call of a record
    always runs; a later one when this cell is filled and ``when(values)`` holds) and on which
    its errors are shown unless ``fields`` or ``args`` name a better column. The service is
    called with ``actor=``, the record as the keyword ``target`` of :func:`replay_excel`
    (except the creating call) and ``args``; a later call that returns a record of the same
    model replaces it. ``on`` is the key of the date column that orders the call among the
    file's steps (default: ``column`` when it is a date column; else right after the previous
    call). ``each_row``: in a grouped register, the call runs once for each row that fills
    ``column``, with that row's cells, in date order.
    """

    column: str
    service: Callable[..., Any]
    args: Mapping[str, Arg] = field(default_factory=dict)
    on: str | None = None
    when: Callable[[Values], bool] | None = None
    each_row: bool = False
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Lookup:
    """A column naming an existing record: its text is matched against the ``by`` fields of
    ``queryset(actor, unit)`` (the importing actor and unit) and replaced by the record.

    No match gives ``missing``, several give ``many`` (both formatted with ``value``)."""

    key: str
    queryset: Callable[[Actor, OrgUnit], models.QuerySet[Any]]
    missing: str
    many: str = "“{value}”对应多条记录"
    by: tuple[str, ...] = ("name",)


@dataclass(frozen=True)
class Group:
    """Rows that are one record: those with the same ``by`` cells. The record's other cells
    are repeated on each of its rows (a blank cell takes the value of the record's other rows;
    two different values are an error, worded with ``noun``), except the ``row_keys``, which
    belong to each row. A record of several rows fills the ``each_row`` call's column on every
    row. Exported, a record gives one row per ``children(record)``, or one row if it has none."""

    by: tuple[str, ...]
    row_keys: tuple[str, ...]
    noun: str = "记录"
    children: Callable[[Any], Iterable[Any]] | None = None
    each_row_message: str = "同一{noun}有多行的，每行{label}不能为空"


class View:
    """The cells a rule reads: a row's own and its record's, with the row's number."""

    def __init__(self, number: int, values: Values, bad: set[str]) -> None:
        self.number, self.values, self.bad = number, values, bad

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def filled(self, key: str) -> bool:
        """Whether the cell holds something, a value that did not parse included (its own
        error is reported; a rule does not also call it blank)."""
        return key in self.values or key in self.bad


@dataclass
class Record:
    """One record of the file: its rows, its merged values and, once created, the record."""

    rows: list[Row]
    group: Group | None
    values: dict[str, Any] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)
    obj: Any = None

    @property
    def first(self) -> int:
        return self.rows[0].number

    def views(self, keys: Iterable[str]) -> list[View]:
        """One view of the record's values, or one per row when a key belongs to each row."""
        if self.group is None or not set(keys) & set(self.group.row_keys):
            return [View(self.first, self.values, self.bad)]
        return [View(r.number, {**self.values, **r.values}, self.bad | r.bad) for r in self.rows]


class Context:
    """What the rules of one import share: the headers, the records and a scratch dict."""

    def __init__(self, spec: Spec, records: list[Record]) -> None:
        self.spec, self.records = spec, records
        self.state: dict[int, Any] = {}

    def h(self, key: str) -> str:
        return self.spec.header_of(key)


class Rule(Protocol):
    def check(self, record: Record, ctx: Context) -> Iterable[RowError]: ...


def _say(message: str, **fields: Any) -> str:
    return message.format(**fields)


@dataclass(frozen=True)
class Required:
    """Cells required on import although the column is not required (e.g. not exported)."""

    keys: tuple[str, ...]
    message: str = "导入时必填"

    def check(self, record: Record, ctx: Context) -> Iterable[RowError]:
        for view in record.views(self.keys):
            yield from (
                RowError(view.number, ctx.h(k), self.message)
                for k in self.keys
                if not view.filled(k)
            )


@dataclass(frozen=True)
class Together:
    """Cells filled together or not at all; the blank one is named. The default message
    quotes both headers; ``{a}`` and ``{b}`` in ``message`` are the headers."""

    a: str
    b: str
    message: str = "“{a}”和“{b}”应同时填写"

    def check(self, record: Record, ctx: Context) -> Iterable[RowError]:
        for view in record.views((self.a, self.b)):
            if view.filled(self.a) != view.filled(self.b):
                blank = self.b if view.filled(self.a) else self.a
                reason = _say(self.message, a=ctx.h(self.a), b=ctx.h(self.b))
                yield RowError(view.number, ctx.h(blank), reason)


@dataclass(frozen=True)
class Requires:
    """A filled ``key`` needs each of ``needed`` (the blank one is named): "填写了{key}的，
    此项必填" unless ``message`` says otherwise (``{key}`` is the header)."""

    key: str
    needed: tuple[str, ...]
    message: str = "填写了{key}的，此项必填"

    def check(self, record: Record, ctx: Context) -> Iterable[RowError]:
        for view in record.views((self.key, *self.needed)):
            if view.filled(self.key):
                reason = _say(self.message, key=ctx.h(self.key))
                yield from (
                    RowError(view.number, ctx.h(n), reason)
                    for n in self.needed
                    if not view.filled(n)
                )


@dataclass(frozen=True)
class Chain:
    """Steps in order: a filled step needs every earlier one; each blank one is named once,
    with the first later step that needs it."""

    keys: tuple[str, ...]
    message: str = "填写了{key}的，此项必填"

    def check(self, record: Record, ctx: Context) -> Iterable[RowError]:
        for view in record.views(self.keys):
            missing: dict[str, str] = {}
            for index, key in enumerate(self.keys):
                if view.filled(key):
                    for before in self.keys[:index]:
                        if not view.filled(before):
                            missing.setdefault(before, key)
            for before, key in missing.items():
                reason = _say(self.message, key=ctx.h(key))
                yield RowError(view.number, ctx.h(before), reason)


@dataclass(frozen=True)
class OnlyWhen:
    """``keys`` may be filled only when ``test(view)`` holds; each filled one is named."""

    keys: tuple[str, ...]
    test: Callable[[View], bool]
    message: str
    about: tuple[str, ...] = ()  # other keys ``test`` reads (so that row cells are seen)

    def check(self, record: Record, ctx: Context) -> Iterable[RowError]:
        for view in record.views((*self.keys, *self.about)):
            if not self.test(view):
                yield from (
                    RowError(view.number, ctx.h(k), self.message)
                    for k in self.keys
                    if view.filled(k)
                )


@dataclass(frozen=True)
class NotAfter:
    """The date of ``early`` is not later than that of ``late`` (``{date}`` in the message is
    the later column's date); the ``early`` cell is named."""

    early: str
    late: str
    message: str

    def check(self, record: Record, ctx: Context) -> Iterable[RowError]:
        for view in record.views((self.early, self.late)):
            first, last = view.get(self.early), view.get(self.late)
            if isinstance(first, dt.date) and isinstance(last, dt.date) and first > last:
                yield RowError(view.number, ctx.h(self.early), _say(self.message, date=last))


def _key_part(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


@dataclass(frozen=True)
class Unique:
    """The ``keys`` (model field names, and column keys) identify a record: not twice in the
    file (``repeated``, with ``{row}`` the earlier row; empty for a grouped register, whose
    repeats are one record) and not already in ``model`` (``registered``, formatted with the
    record's values). The error is on ``column``. One query for the whole file."""

    model: type[models.Model]
    keys: tuple[str, ...]
    column: str
    registered: str
    repeated: str = ""

    def _existing(self, ctx: Context) -> set[tuple[Any, ...]]:
        if id(self) not in ctx.state:
            firsts = {
                _key_part(r.values[self.keys[0]]) for r in ctx.records if self.keys[0] in r.values
            }
            rows = self.model._default_manager.filter(**{f"{self.keys[0]}__in": firsts})
            ctx.state[id(self)] = (set(rows.values_list(*self.keys)), {})
        found: set[tuple[Any, ...]] = ctx.state[id(self)][0]
        return found

    def check(self, record: Record, ctx: Context) -> Iterable[RowError]:
        if any(k not in record.values for k in self.keys):
            return
        existing = self._existing(ctx)
        seen: dict[tuple[Any, ...], int] = ctx.state[id(self)][1]
        key = tuple(_key_part(record.values[k]) for k in self.keys)
        if self.repeated and key in seen:
            reason = _say(self.repeated, row=seen[key])
            yield RowError(record.first, ctx.h(self.column), reason)
        seen.setdefault(key, record.first)
        if key in existing:
            reason = _say(self.registered, **record.values)
            yield RowError(record.first, ctx.h(self.column), reason)


# --- building the records -----------------------------------------------------------------
def _records(
    spec: Spec, rows: list[Row], group: Group | None
) -> tuple[list[Record], list[RowError]]:
    if group is None:
        return [Record([r], None, dict(r.values), set(r.bad)) for r in rows], []
    found: dict[tuple[Any, ...], Record] = {}
    for row in rows:
        if any(row.get(k) is None for k in group.by):
            continue  # a cell that identifies the record is blank or bad: already reported
        key = tuple(_key_part(row.get(k)) for k in group.by)
        found.setdefault(key, Record([], group)).rows.append(row)
    errors: list[RowError] = []
    for record in found.values():
        errors += _merge(spec, record, group)
    return list(found.values()), errors


def _merge(spec: Spec, record: Record, group: Group) -> list[RowError]:
    """The record's values from its rows; a filled cell that disagrees is an error."""
    errors, origin = [], {}
    own = set(group.row_keys)
    for row in record.rows:
        record.bad |= row.bad - own
        for key, value in row.values.items():
            if key in own:
                continue
            if key not in record.values:
                record.values[key], origin[key] = value, row.number
            elif record.values[key] != value:
                column = spec.column(key)
                shown = _shown(column, record.values[key])
                reason = f"与同一{group.noun}第{origin[key]}行的“{shown}”不一致"
                errors.append(RowError(row.number, column.header, reason))
    return errors


def _shown(column: Any, value: Any) -> Any:
    from fazhi.core.excel import format_value

    return format_value(column, value)


def _each_row_errors(spec: Spec, record: Record, call: Call) -> list[RowError]:
    group = record.group
    if group is None or len(record.rows) < 2:
        return []
    header = spec.header_of(call.column)
    reason = _say(group.each_row_message, noun=group.noun, label=header)
    return [RowError(r.number, header, reason) for r in record.rows if not r.filled(call.column)]


def _lookups(
    lookups: Sequence[Lookup], records: list[Record], actor: Actor, unit: OrgUnit, spec: Spec
) -> list[RowError]:
    """Replace each looked-up text by its record (one query per lookup)."""
    errors: list[RowError] = []
    for lookup in lookups:
        wanted = {str(r.values[lookup.key]) for r in records if lookup.key in r.values}
        matches: dict[str, list[Any]] = {}
        if wanted:
            q = models.Q()
            for name in lookup.by:
                q |= models.Q(**{f"{name}__in": wanted})
            for obj in lookup.queryset(actor, unit).filter(q):
                for name in lookup.by:
                    text = str(getattr(obj, name))
                    if text in wanted and obj not in matches.setdefault(text, []):
                        matches[text].append(obj)
        for record in records:
            if lookup.key not in record.values:
                continue
            value = str(record.values[lookup.key])
            hits = matches.get(value, [])
            if len(hits) == 1:
                record.values[lookup.key] = hits[0]
            else:
                reason = _say(lookup.many if hits else lookup.missing, value=value)
                errors.append(RowError(record.first, spec.header_of(lookup.key), reason))
                record.bad.add(lookup.key)
    return errors


# --- the steps ------------------------------------------------------------------------------
def _blank(spec: Spec, key: str, lookups: set[str]) -> Any:
    column = spec.column(key)
    if key in lookups:
        return None
    if column.multiple:
        return []
    if column.kind in (Kind.TEXT, Kind.CHOICE):
        return ""
    return None


def _kwargs(spec: Spec, call: Call, values: Values, lookups: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, arg in call.args.items():
        if isinstance(arg, str):
            out[name] = values[arg] if arg in values else _blank(spec, arg, lookups)
        elif isinstance(arg, tuple):
            out[name] = values.get(arg[0], arg[1])
        else:
            out[name] = arg(values)
    return out


def _fields(spec: Spec, call: Call) -> dict[str, str]:
    h = spec.header_of
    fields = {name: h(arg) for name, arg in call.args.items() if isinstance(arg, str)}
    fields |= {name: h(arg[0]) for name, arg in call.args.items() if isinstance(arg, tuple)}
    on = _on(spec, call)
    if on:
        fields["date"] = h(on)
    fields |= {name: h(key) for name, key in call.fields.items()}
    return fields


def _on(spec: Spec, call: Call) -> str | None:
    if call.on is not None:
        return call.on
    return call.column if spec.column(call.column).kind == Kind.DATE else None


@dataclass(frozen=True)
class _Plan:
    spec: Spec
    create: Call
    calls: Sequence[Call]
    target: str
    lookups: frozenset[str]


def _runner(
    plan: _Plan, record: Record, call: Call, actor: Actor, values: Values
) -> Callable[[], None]:
    kwargs = _kwargs(plan.spec, call, values, set(plan.lookups))

    def run() -> None:
        if call is plan.create:
            record.obj = call.service(actor=actor, **kwargs)
            return
        assert record.obj is not None
        result = call.service(actor=actor, **{plan.target: record.obj}, **kwargs)
        if isinstance(result, type(record.obj)):
            record.obj = result

    return run


def _step(
    plan: _Plan, record: Record, call: Call, actor: Actor, number: int, values: Values
) -> Step:
    on = _on(plan.spec, call)
    run = _runner(plan, record, call, actor, values)
    date = values.get(on) if on else None
    return Step(number, plan.spec.header_of(call.column), run, date, _fields(plan.spec, call))


def _steps(plan: _Plan, record: Record, actor: Actor) -> list[Step]:
    steps = [_step(plan, record, plan.create, actor, record.first, record.values)]
    for call in plan.calls:
        if call.each_row:
            on = _on(plan.spec, call) or call.column
            rows = [r for r in record.rows if r.filled(call.column)]
            rows.sort(key=lambda r: (r.get(on) or dt.date.min, r.number))
            for row in rows:
                values = {**record.values, **row.values}
                if call.when is None or call.when(values):
                    steps.append(_step(plan, record, call, actor, row.number, values))
        elif call.column in record.values and (call.when is None or call.when(record.values)):
            steps.append(_step(plan, record, call, actor, record.first, record.values))
    return steps


def replay_excel(
    spec: Spec,
    *,
    key: str,
    title: str,
    model: type[models.Model],
    create: Call,
    calls: Sequence[Call] = (),
    target: str,
    year_field: str,
    unit_help: str,
    order: tuple[str, ...] = ("pk",),
    rules: Sequence[Rule] = (),
    lookups: Sequence[Lookup] = (),
    group: Group | None = None,
    export: Mapping[str, Callable[[Any], Any]] | None = None,
    related: tuple[str, ...] = (),
    prefetch: tuple[str, ...] = (),
    detail: str = "",
    noun: str = "案件",
    measure: str = "件",
    whole_records: bool = True,
) -> ExcelRegister:
    """The :class:`ExcelRegister` of a register whose rows replay its steps (see module).

    ``model``'s rows the actor sees (:func:`~fazhi.orgs.scoping.visible_to`) are exported in
    ``order``, those of a year when one is given (``year_field``: a date field, or an integer
    year). ``detail`` is added to the import's summary, ``{count}`` being the number of
    ``each_row`` calls (e.g. "，开庭记录 {count} 次"). ``whole_records=False`` lets a record's
    later steps fall in a later write batch (see :func:`fazhi.core.excel.execute`).
    """
    plan = _Plan(spec, create, calls, target, frozenset(lk.key for lk in lookups))
    getters = dict(export or {})
    row_keys = set(group.row_keys) if group else set()
    by_year = isinstance(model._meta.get_field(year_field), models.DateField)

    def import_xlsx(
        data: bytes,
        *,
        actor: Actor,
        unit: OrgUnit,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult:
        actor.require(Cap.EDIT_RECORDS)
        require_unit_in_scope(unit, actor)
        sheet = read_xlsx(spec, data, units=UnitMatcher(unit))
        records, errors = _records(spec, sheet.rows, group)
        errors = [*sheet.errors, *errors]
        errors += _lookups(lookups, records, actor, unit, spec)
        ctx = Context(spec, records)
        for record in records:
            for rule in rules:
                errors += rule.check(record, ctx)
            errors += [e for c in calls if c.each_row for e in _each_row_errors(spec, record, c)]
        bad = {error.row for error in errors}
        clean = [r for r in records if not {row.number for row in r.rows} & bad]
        groups = [_steps(plan, record, actor) for record in clean]
        count = sum(
            1 for c in calls if c.each_row for r in clean for row in r.rows if row.filled(c.column)
        )
        return run_import(
            spec,
            groups,
            errors,
            rows=sheet.rows,
            dry_run=dry_run,
            detail=detail.format(count=count) if detail else "",
            progress=progress,
            actor=actor,
            whole_records=whole_records,
        )

    def export_queryset(actor: Actor, year: int | None = None) -> models.QuerySet[Any]:
        qs = visible_to(model._default_manager.all(), actor)
        if year is not None and by_year:
            start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
            qs = qs.filter(**{f"{year_field}__gte": start, f"{year_field}__lt": end})
        elif year is not None:
            qs = qs.filter(**{year_field: year})
        return qs.order_by(*order)

    def rows_of(obj: Any) -> list[dict[str, Any]]:
        base = {
            c.key: getters[c.key](obj) if c.key in getters else getattr(obj, c.key, None)
            for c in spec.export_columns
            if c.key not in row_keys
        }
        if group is None or group.children is None:
            return [base]
        rows = [
            {**base, **{k: getattr(child, k, None) for k in group.row_keys}}
            for child in group.children(obj)
        ]
        return rows or [base]

    def export_register(qs: models.QuerySet[Any]) -> bytes:
        if related:
            qs = qs.select_related(*related)
        if prefetch:
            qs = qs.prefetch_related(*prefetch)
        return export_xlsx(spec, (row for obj in qs.iterator(1000) for row in rows_of(obj)))

    return ExcelRegister(
        key=key,
        title=title,
        spec=spec,
        import_xlsx=import_xlsx,
        export_queryset=export_queryset,
        export_xlsx=export_register,
        unit_help=unit_help,
        noun=noun,
        measure=measure,
    )
