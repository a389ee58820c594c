"""Monthly facts: the metric engine's partial sums per (definition, unit, month), kept on write.

At province scale a year holds a million register rows; summing them on every dashboard view
costs seconds. Counts and sums are additive, so the engine stores, for each definition, unit and
month, exactly the numerator and denominator aggregates of the records attached to that unit
(:class:`~fazhi.metrics.models.MetricFact`, with the unit's tree slots), and a subtree's figure
for whole months is one ``SUM … GROUP BY`` over those rows. Days of a period outside whole
months (a custom range, "this year up to today") are read from the registers, so every period
gives the same figure as the registers alone (tested by the oracle tests).

**Kept right on every write.** ``pre_save`` / ``pre_delete`` take a snapshot of the fields each
definition reads (unit, period date, filter fields, value field) of the record — and of the
records whose definitions read the saved one through a foreign key (a hearing's ``case__unit``);
``post_save`` / ``post_delete`` take it again, in the same transaction. Inside a transaction the
snapshots are the rows' contributions to each key, and their difference is added to the fact
rows (:mod:`fazhi.metrics.deltas`: a few queries, the same result as a rebuild); outside one, for
writes whose signals overlap and for links to other rows, the (definition, unit, month) keys that
changed are recomputed from the registers (idempotent: a key is then exactly what the registers
say). Bulk writers that
skip ``save()`` (the scale seeder) call :func:`facts_rebuild`; ``QuerySet.update`` on a source
field would bypass this and must not be used (slots are refreshed by ``slots_refresh``, which
moves the facts' slots too).

**When facts are used.** A definition is *eligible* when every path it reads stays on the source
model, or makes one hop through a foreign key to another model (``case__unit``, ``case__status``)
— never into a unit's own fields, which change without a register write — or asks whether a
register row pointing to the record exists (``litigation_cases__isnull``: a write of such a row
that links or unlinks it recomputes the record's keys). It is *built* when its
:class:`~fazhi.metrics.models.MetricFactState` row exists: :func:`facts_rebuild` creates it, any
change to the definition deletes it (and rebuilds; ``migrate`` builds missing ones). Anything
not eligible or not built, units deeper than the tree slots, and ``FAZHI_METRIC_FACTS = False``
fall back to the registers.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from fazhi.metrics import deltas, engine
from fazhi.metrics.models import MetricDefinition, MetricFact, MetricFactState
from fazhi.metrics.periods import Period
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import implies_visibility
from fazhi.orgs.slots import MAX_DEPTH, declared, slots_of

#: Keys of the rows returned by :func:`fact_rows` when not grouped.
TOTAL = "total"
CHILD = "child"
MONTH = "month"

BATCH = 2000

#: Rollup rows sum whole subtrees up to this depth (province 0 → city 1 → county 2).
ROLLUP_DEPTH = 2


def enabled() -> bool:
    """Whether the engine reads the facts (``FAZHI_METRIC_FACTS``); they are kept either way."""
    return bool(getattr(settings, "FAZHI_METRIC_FACTS", True))


# --- which definitions can have facts -------------------------------------------------------------
@dataclass(frozen=True)
class Reads:
    """What a definition reads: ``values()`` paths on the source model, the foreign keys
    (name, related model) through which it reads another model's rows, and the models whose
    rows point to the record (related model, its foreign key's name) where it asks whether such
    a row exists."""

    paths: frozenset[str]
    hops: frozenset[tuple[str, type[models.Model]]]
    pointing: frozenset[tuple[type[models.Model], str]] = frozenset()


def _filter_keys(spec: Mapping[str, Any] | None) -> Iterable[str]:
    for key, value in (spec or {}).items():
        if key == engine.NOT:
            yield from _filter_keys(value)
        elif key == engine.ANY:
            for item in value:
                yield from _filter_keys(item)
        else:
            yield key


def reads(definition: MetricDefinition) -> Reads | None:
    """The fields ``definition`` reads, or None when it is not eligible for facts."""
    try:
        model = engine.source_model(definition.source)
    except engine.DefinitionError:
        return None
    keys = [definition.unit_field, definition.period_field, *_filter_keys(definition.base_filter)]
    keys += [
        *_filter_keys(definition.numerator_filter),
        *_filter_keys(definition.denominator_filter),
    ]
    if definition.value_field:
        keys += [path for _, path in engine.value_terms(definition.value_field)]
    paths: set[str] = set()
    hops: set[tuple[str, type[models.Model]]] = set()
    pointing: set[tuple[type[models.Model], str]] = set()
    for key in keys:
        exists = engine.reverse_exists(model, key)
        if exists is not None:
            pointing.add(exists)
            continue
        found = _read_path(model, key)
        if found is None:
            return None
        path, hop = found
        paths.add(path)
        if hop is not None:
            hops.add(hop)
    return Reads(frozenset(paths), frozenset(hops), frozenset(pointing))


def _read_path(
    model: type[models.Model], key: str
) -> tuple[str, tuple[str, type[models.Model]] | None] | None:
    """(field path without lookups, the hop it makes) — None when the path is not eligible."""
    parts = key.split("__")
    fields: list[str] = []
    current, hop = model, None
    for part in parts:
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            break  # the rest is a lookup (``__in``, ``__isnull``, ``__gt``)
        if field.many_to_many or field.one_to_many or (field.auto_created and not field.concrete):
            return None
        fields.append(part)
        related = field.related_model if field.is_relation else None
        if related is None:
            continue
        if related is OrgUnit:
            following = parts[len(fields) :]
            if following and following[0] in {f.name for f in OrgUnit._meta.get_fields()}:
                return None  # reads a unit's own fields
            break
        if hop is not None or not isinstance(related, type):
            return None  # more than one hop
        hop = (part, related)
        current = related
    if not fields:
        return None
    return "__".join(fields), hop


def eligible(definition: MetricDefinition) -> bool:
    """Facts can stand for ``definition``: it reads register models only (whose writes are
    watched), at most one hop away, and its unit field decides visibility (see
    :func:`fazhi.orgs.scoping.implies_visibility`)."""
    found = reads(definition)
    if found is None:
        return False
    model = engine.source_model(definition.source)
    return (
        watchable(model)
        and all(watchable(related) for _, related in found.hops)
        and all(watchable(related) for related, _ in found.pointing)
        and implies_visibility(model, definition.unit_field)
    )


def usable(definition: MetricDefinition, unit: OrgUnit, by: str) -> bool:
    """Whether ``definition``'s facts can give its figures for ``unit`` grouped ``by``."""
    depth = unit.depth + (1 if by == CHILD else 0)
    return (
        enabled()
        and depth < MAX_DEPTH
        and bool(getattr(definition, "facts_ready", False))
        and eligible(definition)
    )


# --- periods --------------------------------------------------------------------------------------
def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def split(period: Period) -> tuple[tuple[dt.date, dt.date] | None, list[Period]]:
    """The whole months in ``period`` (first and last month's 1st day), and the days around them."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    last_end = period.end
    if last_end != _month_end(last_end):
        last_end = last_end.replace(day=1) - dt.timedelta(days=1)
    if first > last_end:
        return None, [period]
    edges = []
    if period.start < first:
        edges.append(Period.for_range(period.start, first - dt.timedelta(days=1)))
    if last_end < period.end:
        edges.append(Period.for_range(last_end + dt.timedelta(days=1), period.end))
    return (first, last_end.replace(day=1)), edges


# --- reading --------------------------------------------------------------------------------------
def fact_rows(
    definitions: Sequence[MetricDefinition],
    unit: OrgUnit,
    months: tuple[dt.date, dt.date],
    by: str,
) -> dict[Any, dict[int, tuple[Any, Any]]]:
    """{key: {definition pk: (numerator, denominator)}} for ``unit``'s subtree over ``months``,
    in one query whatever the number of definitions, children or months. ``key`` is ``TOTAL``,
    the child's id (``None`` for the unit's own records) or the month's number."""
    if not definitions:
        return {}
    group = {CHILD: f"unit_d{unit.depth + 1}", MONTH: "month"}.get(by)
    deepest = unit.depth + (1 if by == CHILD else 0)  # the finest level the grouping needs
    qs = MetricFact.objects.filter(
        definition_id__in=[d.pk for d in definitions],
        rollup=deepest <= ROLLUP_DEPTH,
        month__gte=months[0],
        month__lte=months[1],
        **{f"unit_d{unit.depth}": unit.pk},
    )
    found: dict[Any, dict[int, tuple[Any, Any]]] = defaultdict(dict)
    grouped = qs.values("definition_id", *([group] if group else [])).annotate(
        n=Sum("num"), d=Sum("den")
    )
    # Plain tuples, no dict per row (issue 15: a breakdown reads thousands of these rows).
    if group is None:
        for definition_id, num, den in grouped.order_by().values_list("definition_id", "n", "d"):
            found[TOTAL][definition_id] = (num, den)
        return found
    for definition_id, key, num, den in grouped.order_by().values_list(
        "definition_id", group, "n", "d"
    ):
        found[key.month if by == MONTH else key][definition_id] = (num, den)
    return found


def child_fact_rows(
    definitions: Sequence[MetricDefinition],
    units: Sequence[OrgUnit],
    months: tuple[dt.date, dt.date],
) -> dict[int, dict[Any, dict[int, tuple[Any, Any]]]]:
    """:func:`fact_rows` by child for several units of one depth (e.g. every city, hence every
    county) in one ``GROUP BY``: {unit id: {child id or None: {definition pk: (num, den)}}}."""
    found: dict[int, dict[Any, dict[int, tuple[Any, Any]]]] = {
        u.pk: defaultdict(dict) for u in units
    }
    if not definitions or not units:
        return found
    (depth,) = {u.depth for u in units}
    parent, child = f"unit_d{depth}", f"unit_d{depth + 1}"
    qs = MetricFact.objects.filter(
        definition_id__in=[d.pk for d in definitions],
        rollup=depth + 1 <= ROLLUP_DEPTH,
        month__gte=months[0],
        month__lte=months[1],
        **{f"{parent}__in": [u.pk for u in units]},
    )
    grouped = qs.values("definition_id", parent, child).annotate(n=Sum("num"), d=Sum("den"))
    for definition_id, unit_id, key, num, den in grouped.order_by().values_list(
        "definition_id", parent, child, "n", "d"
    ):
        found[unit_id][key][definition_id] = (num, den)
    return found


# --- writing --------------------------------------------------------------------------------------
def _computed(
    members: Sequence[MetricDefinition],
    unit_ids: set[int] | None,
    months: set[dt.date] | None,
    paths: Mapping[int, str] | None = None,
) -> Iterator[_Fact]:
    """Fact rows of ``members`` (one source, unit field and period field) from the registers,
    for ``unit_ids`` × ``months`` (None: all); ``paths`` of the units if known. Streamed: the
    grouped rows are read in chunks (a province batch touches ~100,000 unit-months)."""
    first = members[0]
    model = engine.source_model(first.source)
    field, unit_field = first.period_field, first.unit_field
    qs = model._default_manager.filter(**{f"{field}__isnull": False})
    if unit_ids is not None:
        qs = qs.filter(**{f"{unit_field}__in": sorted(unit_ids)})
    if months is not None:
        qs = qs.filter(**{f"{field}__gte": min(months), f"{field}__lte": _month_end(max(months))})
    aggregates: dict[str, Any] = {}
    for i, d in enumerate(members):
        aggregates |= engine.aggregates(d, None, f"m{i}")
    rows = (
        qs.annotate(fz_month=TruncMonth(field))
        .values(unit_field, "fz_month")
        .annotate(**aggregates)
        .order_by()
    )
    if paths is None:
        paths = (
            _unit_paths(unit_ids)
            if unit_ids is not None
            else dict(OrgUnit.objects.values_list("pk", "path"))
        )
    names = [(d.pk, f"m{i}_n", f"m{i}_d") for i, d in enumerate(members)]
    slots: dict[int, tuple[int | None, ...]] = {}
    for row in _stream(rows):
        month = row["fz_month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        unit_id = row[unit_field]
        if (months is not None and month not in months) or unit_id is None:
            continue
        unit_slots = slots.get(unit_id)
        if unit_slots is None:
            unit_slots = slots[unit_id] = tuple(slots_of(paths[unit_id]))
        for pk, n_key, d_key in names:
            num, den = row[n_key] or 0, row.get(d_key) or 0
            if not num and not den:
                continue
            yield _Fact(pk, unit_id, month, num, den, unit_slots)


class _Fact(NamedTuple):
    """A leaf fact row as computed (a plain tuple: a province batch gives ~10⁵ of them)."""

    definition_id: int
    unit_id: int
    month: dt.date
    num: Any
    den: Any
    slots: tuple[int | None, ...]


def _stream(rows: models.QuerySet[Any, Any]) -> Iterator[Any]:
    """The rows of ``rows`` read in chunks (a server-side cursor: PostgreSQL does not let the
    inserts of the same transaction into it); elsewhere read at once (small databases)."""
    if connection.vendor == "postgresql":
        return rows.iterator(chunk_size=BATCH)
    return iter(list(rows))


def _write(facts: Iterable[_Fact], *, rollup: bool = False) -> dict[int, int]:
    """Insert the leaf (or ``rollup``) ``facts`` in chunks of :data:`BATCH` (constant
    memory): PostgreSQL ``COPY``, elsewhere ``bulk_create``. Rows written per definition."""
    written: dict[int, int] = defaultdict(int)
    chunk: list[_Fact] = []
    for fact in facts:
        chunk.append(fact)
        written[fact.definition_id] += 1
        if len(chunk) >= BATCH:
            _insert(chunk, rollup)
            chunk = []
    _insert(chunk, rollup)
    return written


_FACT_COLUMNS = (
    "definition_id",
    "unit_id",
    "month",
    "rollup",
    "num",
    "den",
    *(f"unit_d{depth}" for depth in range(MAX_DEPTH)),
)


def _insert(chunk: Sequence[_Fact], rollup: bool) -> None:
    if not chunk:
        return
    if connection.vendor != "postgresql":
        MetricFact.objects.bulk_create(
            MetricFact(
                definition_id=f.definition_id,
                unit_id=f.unit_id,
                month=f.month,
                rollup=rollup,
                num=f.num,
                den=f.den,
                **{f"unit_d{depth}": value for depth, value in enumerate(f.slots)},
            )
            for f in chunk
        )
        return
    columns = ", ".join(_FACT_COLUMNS)
    pad = (None,) * MAX_DEPTH
    table = MetricFact._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for f in chunk:
            slots = (f.slots + pad)[:MAX_DEPTH]
            copy.write_row((f.definition_id, f.unit_id, f.month, rollup, f.num, f.den, *slots))


def _rollup_key() -> Coalesce:
    """The unit a leaf fact rolls up into: its ancestor at ``ROLLUP_DEPTH``, or itself when
    shallower (the province's and cities' own records)."""
    return Coalesce(f"unit_d{ROLLUP_DEPTH}", "unit_id", output_field=models.BigIntegerField())


def _rollups(
    definition_ids: Sequence[int],
    roots: Mapping[int, str] | None,
    months: set[dt.date] | None,
) -> None:
    """Recompute the rollup rows of ``definition_ids`` for ``roots`` ({id: path}) × ``months``
    (None: all) from the leaf rows."""
    stale = MetricFact.objects.filter(definition_id__in=definition_ids, rollup=True)
    leaves = MetricFact.objects.filter(definition_id__in=definition_ids, rollup=False)
    leaves = leaves.annotate(fz_root=_rollup_key())
    if roots is not None:
        ids = sorted(roots)
        # = ``fz_root IN ids``, written so that the slot index can serve it
        below = models.Q(**{f"unit_d{ROLLUP_DEPTH}__in": ids}) | models.Q(
            **{f"unit_d{ROLLUP_DEPTH}__isnull": True, "unit_id__in": ids}
        )
        stale, leaves = stale.filter(unit_id__in=ids), leaves.filter(below)
    if months is not None:
        stale, leaves = stale.filter(month__in=months), leaves.filter(month__in=months)
    stale.delete()
    rows = (
        leaves.values_list("definition_id", "fz_root", "month")
        .annotate(n=Sum("num"), d=Sum("den"))
        .order_by()
    )
    paths = dict(roots) if roots is not None else dict(OrgUnit.objects.values_list("pk", "path"))
    _write(
        (
            _Fact(definition_id, root, month, num, den, slots_of(paths[root]))
            for definition_id, root, month, num, den in _stream(rows)
        ),
        rollup=True,
    )


def _set_slots(fact: MetricFact, path: str) -> None:
    for depth, value in enumerate(slots_of(path)):
        setattr(fact, f"unit_d{depth}", value)


def _unit_paths(unit_ids: Iterable[int | None]) -> dict[int, str]:
    ids = [pk for pk in unit_ids if pk is not None]
    return dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "path"))


def _by_group(
    definitions: Iterable[MetricDefinition],
) -> dict[tuple[str, str, str], list[MetricDefinition]]:
    groups: dict[tuple[str, str, str], list[MetricDefinition]] = defaultdict(list)
    for d in definitions:
        groups[(d.source, d.unit_field, d.period_field)].append(d)
    return groups


@transaction.atomic
def facts_rebuild(definitions: Sequence[MetricDefinition] | None = None) -> int:
    """Recompute every fact row of ``definitions`` (default: all eligible) from the registers
    and mark them built. Returns the number of fact rows written."""
    if definitions is None:
        definitions = list(MetricDefinition.objects.all())
    chosen = [d for d in definitions if eligible(d)]
    ids = [d.pk for d in chosen]
    deltas.forget_watches()
    MetricFactState.objects.filter(definition_id__in=ids).delete()
    MetricFact.objects.filter(definition_id__in=ids).delete()
    written: dict[int, int] = defaultdict(int)
    for members in _by_group(chosen).values():
        for pk, count in _write(_computed(members, None, None)).items():
            written[pk] += count
    _rollups(ids, None, None)
    now = timezone.now()
    MetricFactState.objects.bulk_create(
        [MetricFactState(definition=d, built_at=now, rows=written[d.pk]) for d in chosen]
    )
    return sum(written.values())


@dataclass(frozen=True)
class Mismatch:
    """A fact row that differs from what the registers give (see :func:`facts_check`)."""

    definition: MetricDefinition
    unit_id: int
    month: dt.date
    rollup: bool
    stored: tuple[Any, ...] | None
    expected: tuple[Any, ...] | None


def facts_check() -> tuple[int, list[Mismatch]]:
    """Compare every stored fact row of the built definitions with a recomputation from the
    registers (nothing is written). Returns (rows compared, mismatches)."""
    found: list[Mismatch] = []
    compared = facts_check_stream(found.append)
    found.sort(key=lambda m: (m.definition.pk, m.rollup, m.unit_id, m.month))
    return compared, found


_SLOTS = tuple(f"unit_d{depth}" for depth in range(MAX_DEPTH))


def facts_check_stream(report: Callable[[Mismatch], None]) -> int:
    """:func:`facts_check` one (source, unit field, period field) group of definitions at a
    time — the group's recomputed rows, then its stored rows read in chunks — calling
    ``report`` for each mismatch; returns the rows compared. Memory is bounded by the largest
    group, not by every fact row at once (``fazhi metric_facts --check``, issue 15)."""
    built = {d.pk: d for d in MetricDefinition.objects.filter(fact_state__isnull=False)}
    chosen = [d for d in built.values() if eligible(d)]
    compared = 0
    for members in _by_group(chosen).values():
        expected = _expected(members)
        stored = (
            MetricFact.objects.filter(definition_id__in=[d.pk for d in members])
            .order_by()
            .values_list("definition_id", "rollup", "unit_id", "month", "num", "den", *_SLOTS)
        )
        for definition, rollup, unit, month, num, den, *slots in stored.iterator(BATCH):
            key = (definition, rollup, unit, month)
            row = (Decimal(num), int(den), *slots)
            want = expected.pop(key, None)
            compared += 1
            if row != want:
                report(Mismatch(built[definition], unit, month, rollup, row, want))
        for (definition, rollup, unit, month), want in expected.items():
            report(Mismatch(built[definition], unit, month, rollup, None, want))
    return compared


def _expected(
    members: Sequence[MetricDefinition],
) -> dict[tuple[int, bool, int, dt.date], tuple[Any, ...]]:
    """The fact rows (leaf and rollup) that ``members``' registers give."""
    expected: dict[tuple[int, bool, int, dt.date], tuple[Any, ...]] = {}
    pad = (None,) * MAX_DEPTH
    for fact in _computed(members, None, None):
        key = (fact.definition_id, False, fact.unit_id, fact.month)
        expected[key] = (Decimal(fact.num), int(fact.den), *(fact.slots + pad)[:MAX_DEPTH])
    paths = _unit_paths({unit for _, _, unit, _ in expected})
    sums: dict[tuple[int, bool, int, dt.date], list[Any]] = {}
    for (definition, _, unit, month), (num, den, *_) in expected.items():
        key = (definition, True, _root_of(paths[unit])[0], month)
        found = sums.setdefault(key, [0, 0])
        found[0] += num
        found[1] += den
    root_paths = _unit_paths({unit for _, _, unit, _ in sums})
    for key, (num, den) in sums.items():
        expected[key] = (Decimal(num), den, *slots_of(root_paths[key[2]]))
    return expected


def _tables_exist() -> bool:
    """False while migrated back past the facts tables (``migrate metrics 0001``)."""
    return MetricFactState._meta.db_table in connection.introspection.table_names()


def facts_build_missing() -> int:
    """Build the facts of eligible definitions that have none yet (after ``migrate``)."""
    if not _tables_exist():
        return 0
    missing = MetricDefinition.objects.filter(fact_state__isnull=True)
    return facts_rebuild(list(missing)) if missing.exists() else 0


def facts_forget(definition: MetricDefinition) -> None:
    """A definition changed: its facts no longer hold (the engine reads the registers)."""
    deltas.forget_watches()
    MetricFactState.objects.filter(definition_id=definition.pk).delete()
    MetricFact.objects.filter(definition_id=definition.pk).delete()


@transaction.atomic(savepoint=False)
def _refresh(dirty: Mapping[MetricDefinition, set[tuple[int, dt.date]]]) -> None:
    """Recompute the fact rows of the changed (definition, unit, month) keys and the rollup
    rows above them: about three queries per (source, unit field, period field) and five more.

    Concurrent writers take turns here (a row lock on every facts state row, in one order), so
    each recomputes after the other's commit: no lost update of a shared rollup row."""
    list(MetricFactState.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    paths = _unit_paths({unit for keys in dirty.values() for unit, _ in keys})
    for members in _by_group(dirty).values():
        units = {unit for d in members for unit, _ in dirty[d]}
        months = {month for d in members for _, month in dirty[d]}
        MetricFact.objects.filter(
            definition_id__in=[d.pk for d in members],
            rollup=False,
            unit_id__in=units,
            month__in=months,
        ).delete()
        _write(_computed(members, units, months, paths))
    roots = dict(_root_of(path) for path in paths.values())
    months = {month for keys in dirty.values() for _, month in keys}
    _rollups([d.pk for d in dirty], roots, months)


def _root_of(path: str) -> tuple[int, str]:
    """The unit (id, path) whose rollup rows include the records of the unit at ``path``."""
    ids = [p for p in path.strip("/").split("/") if p]
    top = ids[: min(ROLLUP_DEPTH, len(ids) - 1) + 1]
    return int(top[-1]), "/" + "/".join(top) + "/"


def on_units_moved(sender: Any, units: Sequence[OrgUnit], **kwargs: Any) -> None:
    """Units moved: the leaf rows' slots followed (``slots_refresh``); the rollups are redone."""
    built = list(MetricFactState.objects.values_list("definition_id", flat=True))
    if built:
        _rollups(built, None, None)


# --- the write hooks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Watch:
    """Rows of ``model`` to snapshot around a write: the written row itself (``via`` None), the
    rows whose foreign key ``via`` points to it, or (``pointer`` set) the rows the written row
    points to through its foreign key ``pointer`` — whose keys change when that link does."""

    model: type[models.Model]
    via: str | None
    definitions: tuple[tuple[MetricDefinition, tuple[str, ...]], ...]
    pointer: str | None = None
    sender: type[models.Model] | None = None

    @property
    def paths(self) -> list[str]:
        return sorted({p for _, paths in self.definitions for p in paths})


def _watched(sender: type[models.Model]) -> list[_Watch]:
    built = MetricDefinition.objects.filter(fact_state__isnull=False)
    own: list[tuple[MetricDefinition, tuple[str, ...]]] = []
    linked: dict[tuple[type[models.Model], str], list[Any]] = defaultdict(list)
    pointed: dict[tuple[type[models.Model], str], list[Any]] = defaultdict(list)
    for d in built:
        found = reads(d)
        if found is None:
            continue
        model = engine.source_model(d.source)
        item = (d, tuple(sorted(found.paths)))
        if model is sender:
            own.append(item)
        for name, related in found.hops:
            if related is sender:
                linked[(model, name)].append(item)
        for related, fk in found.pointing:
            if related is sender:
                pointed[(model, fk)].append(item)
    watches = [_Watch(sender, None, tuple(own))] if own else []
    watches += [_Watch(model, via, tuple(items)) for (model, via), items in linked.items()]
    watches += [
        _Watch(model, None, tuple(items), pointer=fk, sender=sender)
        for (model, fk), items in pointed.items()
    ]
    return watches


def _pointed_rows(watch: _Watch, pks: Sequence[Any]) -> dict[Any, dict[str, Any]]:
    """The rows of ``watch.model`` that the sender's rows ``pks`` point to now."""
    assert watch.sender is not None and watch.pointer is not None
    targets = watch.sender._default_manager.filter(pk__in=pks).values_list(
        f"{watch.pointer}_id", flat=True
    )
    ids = [pk for pk in targets if pk is not None]
    if not ids:
        return {}
    rows = watch.model._default_manager.filter(pk__in=ids).values("pk", *watch.paths)
    return {row["pk"]: row for row in rows}


def _snapshot(watch: _Watch, pk: Any) -> dict[Any, dict[str, Any]]:
    if pk is None:
        return {}
    if watch.pointer is not None:
        return _pointed_rows(watch, [pk])
    lookup = {"pk": pk} if watch.via is None else {f"{watch.via}_id": pk}
    rows = watch.model._default_manager.filter(**lookup).values("pk", *watch.paths)
    return {row["pk"]: row for row in rows}


def _bulk_snapshot(watch: _Watch, pks: Sequence[Any]) -> dict[Any, dict[str, Any]]:
    if watch.pointer is not None:
        return _pointed_rows(watch, pks)
    lookup = "pk__in" if watch.via is None else f"{watch.via}_id__in"
    rows = watch.model._default_manager.filter(**{lookup: pks}).values("pk", *watch.paths)
    return {row["pk"]: row for row in rows}


@contextmanager
def facts_kept(model: type[models.Model], pks: Iterable[Any]) -> Iterator[None]:
    """Keep the facts right around a bulk write (``bulk_update``, ``QuerySet.update``, raw SQL)
    of the rows ``pks`` of ``model``, which sends no signals::

        with facts_kept(LitigationCase, [c.pk for c in cases]):
            LitigationCase.objects.bulk_update(cases, ["status", "judged_on"])
    """
    keys = sorted({pk for pk in pks if pk is not None})
    watches = _watched(model) if keys and watchable(model) else []
    before = [(w, _bulk_snapshot(w, keys)) for w in watches]
    yield
    dirty: dict[MetricDefinition, set[tuple[int, dt.date]]] = defaultdict(set)
    for watch, old in before:
        for d, changed in _keys_changed(watch, old, _bulk_snapshot(watch, keys)).items():
            dirty[d] |= changed
    if dirty:
        _refresh(dirty)


def facts_after_bulk(model: type[models.Model], rows: Iterable[models.Model]) -> None:
    """Bring the facts up to date after ``bulk_create`` (which sends no signals) of ``rows``."""
    pks = [row.pk for row in rows]
    watches = _watched(model) if pks and watchable(model) else []
    dirty: dict[MetricDefinition, set[tuple[int, dt.date]]] = defaultdict(set)
    for watch in watches:
        for d, changed in _keys_changed(watch, {}, _bulk_snapshot(watch, pks)).items():
            dirty[d] |= changed
    if dirty:
        _refresh(dirty)


def facts_add_inserted(model: type[models.Model], lookup: Mapping[str, Any]) -> bool:
    """Add to the facts the rows of ``model`` matching ``lookup``, just inserted without
    signals (a bulk ingest's batch). Counts and sums are additive: one grouped query over
    those rows alone gives the change, instead of recomputing their (unit, month) keys from
    every row of the register (a cost that grows with the register). False, doing nothing,
    when a definition reads the rows through a link (a new row changes other rows' keys):
    the caller then uses :func:`facts_refresh_keys`."""
    if not watchable(model):
        return True
    watches = _watched(model)
    if any(w.via is not None or w.pointer is not None for w in watches):
        return False
    empty = deltas.Contributions({}, {})
    for watch in watches:
        deltas.apply(empty, deltas.contributions(watch, lookup, per_row=False), _root_of, slots_of)
    return True


def facts_refresh_keys(
    model: type[models.Model],
    keys: Callable[[str, str], Iterable[tuple[int, dt.date]]],
) -> None:
    """Bring the facts of the definitions whose source is ``model`` up to date after a bulk
    write that sends no signals and whose rows are not at hand (``INSERT … SELECT`` of a
    staged batch): ``keys(unit_field, period_field)`` gives the (unit id, day) pairs the write
    touched, for each (unit field, period field) of those definitions (the day is reduced to
    its month). One recomputation of those keys, as :func:`facts_after_bulk` does."""
    if not watchable(model):
        return
    dirty: dict[MetricDefinition, set[tuple[int, dt.date]]] = defaultdict(set)
    found: dict[tuple[str, str], set[tuple[int, dt.date]]] = {}
    for d in MetricDefinition.objects.filter(fact_state__isnull=False):
        try:
            source = engine.source_model(d.source)
        except engine.DefinitionError:
            continue
        if source is not model or not eligible(d):
            continue
        pair = (d.unit_field, d.period_field)
        if pair not in found:
            found[pair] = {(unit, day.replace(day=1)) for unit, day in keys(*pair)}
        dirty[d] |= found[pair]
    dirty = defaultdict(set, {d: k for d, k in dirty.items() if k})
    if dirty:
        _refresh(dirty)


def _keys_changed(
    watch: _Watch,
    before: Mapping[Any, Mapping[str, Any]],
    after: Mapping[Any, Mapping[str, Any]],
    *,
    bulk: bool = False,
) -> dict[MetricDefinition, set[tuple[int, dt.date]]]:
    dirty: dict[MetricDefinition, set[tuple[int, dt.date]]] = defaultdict(set)
    # a pointed row counts as changed when a written row started or stopped pointing to it
    # (for a bulk write, whenever any written row points to it: recomputing is harmless)
    linked = watch.pointer is not None
    for pk in set(before) | set(after):
        old, new = before.get(pk), after.get(pk)
        for d, paths in watch.definitions:
            if old is not None and new is not None:
                if linked and not bulk and _unchanged_link(before, after):
                    continue
                if not linked and all(old[p] == new[p] for p in paths):
                    continue
            for row in (old, new):
                if row is None:
                    continue
                unit_id, day = row[d.unit_field], row[d.period_field]
                if unit_id is not None and day is not None:
                    dirty[d].add((unit_id, day.replace(day=1)))
    return dirty


def _unchanged_link(
    before: Mapping[Any, Mapping[str, Any]], after: Mapping[Any, Mapping[str, Any]]
) -> bool:
    """The written row(s) point to the same rows as before (a single-row write)."""
    return len(before) == len(after) == 1 and set(before) == set(after)


def watchable(sender: type[models.Model]) -> bool:
    """Register models (tree slots and a unit scope) can be sources or read through a hop."""
    return bool(declared(sender)) and getattr(sender, "scope_path_field", None) is not None


# --- deferred: one refresh per batch (issue 15) ----------------------------------------------
@dataclass
class _Batch:
    """The writes of a :func:`facts_deferred` scope: per model, the watches (read once), the
    first snapshot of every row that existed before its first write in the scope, and every
    written primary key."""

    watches: dict[type[models.Model], list[_Watch]]
    before: dict[tuple[type[models.Model], int], dict[Any, dict[Any, dict[str, Any]]]]
    written: dict[type[models.Model], set[Any]]


_BATCH: ContextVar[_Batch | None] = ContextVar("fazhi_facts_batch", default=None)


@contextmanager
def facts_deferred() -> Iterator[None]:
    """Refresh the facts once at the end for every (definition, unit, month) key the writes
    inside touched, instead of after each write (an import's batch)::

        with transaction.atomic(), facts_deferred():
            ...  # many saves and deletes of register rows

    Must run inside the writes' transaction. The result equals a full rebuild: a row written
    several times counts with its state before its first write and its state at the end; a row
    created inside has no earlier state. Nested scopes join the outermost one. Deleting inside a
    scope works too (the row's first snapshot is kept; it is gone at the end)."""
    if _BATCH.get() is not None:
        yield
        return
    batch = _Batch({}, {}, defaultdict(set))
    token = _BATCH.set(batch)
    try:
        yield
    finally:
        _BATCH.reset(token)
    if not transaction.get_connection().needs_rollback:  # else everything is rolled back
        _flush(batch)


def _batch_watches(batch: _Batch, sender: type[models.Model]) -> list[_Watch]:
    if sender not in batch.watches:
        batch.watches[sender] = _watched(sender)
    return batch.watches[sender]


def _deferred_before(batch: _Batch, sender: type[models.Model], instance: models.Model) -> None:
    pk = instance.pk
    if pk is None or pk in batch.written[sender]:
        return  # created inside the scope, or its state before the scope is already kept
    batch.written[sender].add(pk)
    for index, watch in enumerate(_batch_watches(batch, sender)):
        batch.before.setdefault((sender, index), {})[pk] = _snapshot(watch, pk)


def _flush(batch: _Batch) -> None:
    """The batch's facts: the rows it created add their contributions to the fact rows
    (:func:`fazhi.metrics.deltas.apply`, one read and one upsert per chunk, as a single write
    does); the keys of rows that existed before, and of watches through links, are recomputed."""
    dirty: dict[MetricDefinition, set[tuple[int, dt.date]]] = defaultdict(set)
    exact = deltas.locked_version() is not None  # the facts state locked: nobody rebuilds now
    for sender, pks in batch.written.items():
        keys = sorted(pks)
        for index, watch in enumerate(_batch_watches(batch, sender)):
            kept = batch.before.get((sender, index), {})
            if exact and watch.pointer is None and watch.via is None:
                created = [pk for pk in keys if pk not in kept]
                for start in range(0, len(created), BATCH):
                    after = deltas.contributions(watch, {"pk__in": created[start : start + BATCH]})
                    deltas.apply(deltas.Contributions({}, {}), after, _root_of, slots_of)
                keys_left = [pk for pk in keys if pk in kept]
            else:
                keys_left = keys
            for start in range(0, len(keys_left), BATCH):
                chunk = keys_left[start : start + BATCH]
                old: dict[Any, dict[str, Any]] = {}
                for pk in chunk:
                    old.update(kept.get(pk, {}))
                new = _bulk_snapshot(watch, chunk)
                for d, changed in _keys_changed(watch, old, new, bulk=True).items():
                    dirty[d] |= changed
    if dirty:
        _refresh(dirty)


def before_write(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """``pre_save`` / ``pre_delete`` of a :func:`watchable` model (connected per model, so that
    other models keep Django's fast deletes)."""
    if kwargs.get("raw") or not watchable(sender):
        return
    batch = _BATCH.get()
    if batch is not None:
        _deferred_before(batch, sender, instance)
        return
    version = deltas.locked_version()
    if version is None:  # outside a transaction: recompute the changed keys afterwards
        watches = _watched(sender)
        setattr(instance, "_fz_facts", [(w, _snapshot(w, instance.pk)) for w in watches])  # noqa: B010
        return
    pending = deltas.Pending(version)
    fields = kwargs.get("update_fields")
    for watch in deltas.watches_for(sender, version, lambda: _watched(sender)):
        if deltas.relevant(watch, fields):
            pending.entries.append((watch, _before(watch, instance.pk)))
    deltas.opened(instance, pending)
    setattr(instance, "_fz_facts", pending)  # noqa: B010


def _before(watch: _Watch, pk: Any) -> Any:
    """A watch's state before a single write: the row's contributions, or (a link to another
    row) the snapshot whose changed keys are recomputed."""
    if watch.pointer is not None:
        return _snapshot(watch, pk)
    if pk is None:
        return deltas.Contributions({}, {})
    return deltas.contributions(watch, _lookup(watch, pk))


def _lookup(watch: _Watch, pk: Any) -> dict[str, Any]:
    return {"pk": pk} if watch.via is None else {f"{watch.via}_id": pk}


def _after(watch: _Watch, instance: models.Model, *, deleted: bool, created: bool) -> Any:
    pk = instance.pk
    if watch.pointer is None:
        if pk is None or (deleted and watch.via is None) or (created and watch.via is not None):
            return deltas.Contributions({}, {})  # gone, or too new for any row to point to it
        return deltas.contributions(watch, _lookup(watch, pk))
    if deleted:
        return _snapshot(watch, pk)
    target = getattr(instance, f"{watch.pointer}_id", None)  # the row it points to now
    if target is None:
        return {}
    rows = watch.model._default_manager.filter(pk=target).values("pk", *watch.paths)
    return {row["pk"]: row for row in rows}


def after_write(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or not watchable(sender):
        return
    batch = _BATCH.get()
    if batch is not None:
        if instance.pk is not None:
            batch.written[sender].add(instance.pk)
        return
    pending = instance.__dict__.pop("_fz_facts", None)
    if isinstance(pending, deltas.Pending):
        deleted = "created" not in kwargs
        _after_single(instance, pending, deleted=deleted, created=bool(kwargs.get("created")))
        return
    if not pending:
        return
    dirty: dict[MetricDefinition, set[tuple[int, dt.date]]] = defaultdict(set)
    for watch, before in pending:
        for d, keys in _keys_changed(watch, before, _snapshot(watch, instance.pk)).items():
            dirty[d] |= keys
    if dirty:
        _refresh(dirty)


def _after_single(
    instance: models.Model, pending: deltas.Pending, *, deleted: bool, created: bool
) -> None:
    """A single write's change: added to the fact rows (:mod:`fazhi.metrics.deltas`), or its
    keys recomputed (links to other rows; writes whose signals overlapped)."""
    deltas.closed(instance)
    dirty: dict[MetricDefinition, set[tuple[int, dt.date]]] = defaultdict(set)
    by_pk = {d.pk: d for watch, _ in pending.entries for d, _ in watch.definitions}
    for watch, before in pending.entries:
        after = _after(watch, instance, deleted=deleted, created=created)
        if watch.pointer is not None:
            for d, keys in _keys_changed(watch, before, after).items():
                dirty[d] |= keys
        elif pending.tainted:
            for definition, unit, month in [*before.sums, *after.sums]:
                dirty[by_pk[definition]].add((unit, month))
        else:
            deltas.apply(before, after, _root_of, slots_of)
    if dirty:
        _refresh(dirty)


_DEFERRED: ContextVar[bool] = ContextVar("fazhi_facts_deferred", default=False)


@contextmanager
def rebuild_later() -> Iterator[None]:
    """Saved definitions only drop their facts; the caller rebuilds them all at the end, one
    query per (source, unit field, period field) instead of one per definition (the sync)."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


def on_definition_change(sender: Any, instance: MetricDefinition, **kwargs: Any) -> None:
    """A saved definition's facts are recomputed; until then the registers are read."""
    if kwargs.get("raw") or not _tables_exist():
        return
    facts_forget(instance)
    if not _DEFERRED.get() and eligible(instance):
        facts_rebuild([instance])
