"""Reads of the 三项制度 registers and of the 执法数据 they count, scoped by ``visible_to``.

* :func:`publication_counts` — the six categories of a 执法主体's year, counted in
  ``enforcement_data.Record`` (``None`` for a category the subject has no duty for).
* :func:`publication_overview` — per 执法主体 in the actor's subtree: published on time / late /
  not yet, for one data year.
* :func:`repeat_inspections` — the 涉企重复检查 alerts (one SQL query, see its docstring).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from fazhi.enforcement.models import DATA_CATEGORIES, Category, Subject
from fazhi.enforcement_data.models import Kind, Record
from fazhi.enforcement_oversight.models import (
    OUT_STATUSES,
    Disclosure,
    DisclosureItem,
    MajorDecision,
    MajorStatus,
    Publication,
    PublicationStatus,
    Withdrawal,
    WithdrawalStatus,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, visible_to
from fazhi.orgs.slots import MAX_DEPTH

NO_DUTY = "无相关行政执法职责"

#: (code, label) of the six 数据公开 categories, in the table's order.
COLUMNS: tuple[tuple[str, str], ...] = tuple((str(c.value), str(c.label)) for c in DATA_CATEGORIES)


def counts_for_subjects(subject_ids: Iterable[int], year: int) -> dict[int, dict[str, int]]:
    """{subject id: {kind: count}} of ``year``'s records (one grouped query)."""
    ids = list(subject_ids)
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    if not ids:
        return out
    rows = (
        Record.objects.filter(year=year, subject_id__in=ids)
        .order_by()
        .values_list("subject_id", "kind")
        .annotate(n=Count("id"))
    )
    for subject_id, kind, n in rows:
        out[subject_id][kind] = n
    return out


def table_of(subject: Subject, found: dict[str, int]) -> dict[str, int | None]:
    """The six cells: the count (0 when the subject has the duty and did nothing), or None
    (无相关行政执法职责) when it has no duty and the register holds nothing for it."""
    cells: dict[str, int | None] = {}
    for code, _ in COLUMNS:
        n = found.get(code, 0)
        cells[code] = n if (subject.has_category(code) or n) else None
    return cells


def publication_counts(subject: Subject, year: int) -> dict[str, int | None]:
    """The 数据公开 table of ``subject`` for ``year`` from the 执法数据 register."""
    return table_of(subject, counts_for_subjects([subject.pk], year)[subject.pk])


def cell_text(value: int | None) -> str:
    return NO_DUTY if value is None else str(value)


def table_rows(publication: Publication) -> list[tuple[str, str]]:
    """(category label, cell text) of a publication: frozen counts once published, else live."""
    if publication.is_out and publication.counts:
        cells = publication.counts
    else:
        cells = publication_counts(publication.subject, publication.year)
    return [(label, cell_text(cells.get(code))) for code, label in COLUMNS]


# --- 事前公示 checklist ------------------------------------------------------------------------
def disclosure_checklist(subject: Subject) -> list[tuple[str, Disclosure | None]]:
    """Every 事前公示 item with its published entry, or None when missing."""
    found = {d.item: d for d in Disclosure.objects.filter(subject=subject)}
    return [(label, found.get(code)) for code, label in DisclosureItem.choices]


def missing_disclosures(subject_ids: Sequence[int]) -> dict[int, list[str]]:
    """{subject id: labels of the missing 事前公示 items} (one query)."""
    have: dict[int, set[str]] = {i: set() for i in subject_ids}
    for sid, item in Disclosure.objects.filter(subject_id__in=subject_ids).values_list(
        "subject_id", "item"
    ):
        have[sid].add(item)
    return {
        sid: [label for code, label in DisclosureItem.choices if code not in items]
        for sid, items in have.items()
    }


# --- home tile -------------------------------------------------------------------------------
def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """公示撤回 open / overdue, 重大执法决定 awaiting the decision, 数据公开 not yet out."""
    w = visible_to(Withdrawal.objects.all(), actor).aggregate(
        open=Count("pk", filter=~Q(status=WithdrawalStatus.WITHDRAWN)),
        overdue=Count("pk", filter=~Q(status=WithdrawalStatus.WITHDRAWN) & Q(due_on__lt=today)),
    )
    majors = (
        visible_to(MajorDecision.objects.all(), actor).exclude(status=MajorStatus.DECIDED).count()
    )
    unpublished = (
        visible_to(Publication.objects.all(), actor)
        .filter(status__in=(PublicationStatus.DRAFT, PublicationStatus.OVERDUE))
        .count()
    )
    return {
        "open": int(w["open"] or 0),
        "overdue": int(w["overdue"] or 0),
        "majors": majors,
        "unpublished": unpublished,
    }


# --- 数据公开 overview -------------------------------------------------------------------------
@dataclass(frozen=True)
class OverviewRow:
    subject: Subject
    publication: Publication | None
    state: str  # 按时公开 / 逾期公开 / 未公开 / 逾期未公开
    late: bool


def publication_overview(actor: Actor, year: int, today: dt.date) -> list[OverviewRow]:
    """Every active 执法主体 in the actor's subtree and where its ``year`` publication stands
    (two queries)."""
    from fazhi.enforcement_oversight.rules import publication_due

    subjects = list(
        visible_to(Subject.objects.filter(active=True).select_related("unit"), actor).order_by(
            "unit__path", "name"
        )
    )
    pubs = {
        p.subject_id: p
        for p in Publication.objects.filter(year=year, subject__in=[s.pk for s in subjects])
    }
    rows = []
    for s in subjects:
        p = pubs.get(s.pk)
        if p is not None and p.status in OUT_STATUSES:
            late = not p.on_time
            state = "逾期公开" if late else "按时公开"
        else:
            due = p.due_on if p is not None else publication_due(s.unit, year)
            late = due < today
            state = "逾期未公开" if late else "未公开"
        rows.append(OverviewRow(s, p, state, late))
    return rows


# --- 涉企重复检查 --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Alert:
    """Two 涉企 inspections of one enterprise by different units, ``days`` apart."""

    credit_code: str
    first_id: int
    first_unit_id: int
    first_on: dt.date
    second_id: int
    second_unit_id: int
    second_on: dt.date
    days: int


def _scope_roots(actor_or_units: Actor | Sequence[OrgUnit]) -> list[OrgUnit]:
    if isinstance(actor_or_units, Actor):
        return [actor_or_units.unit]
    return list(actor_or_units)


def _days_sql(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def lag_sql(extra_columns: str = "", codes_sql: str = "") -> str:
    """The inner query of the alerts: each 涉企 inspection with its enterprise's previous one
    (``prev_id``, ``prev_unit``, ``prev_on`` and ``extra_columns``' LAGs). Parameters: first
    and last year, first and last day (then the ``codes_sql`` condition's)."""
    return f"""
            SELECT id, credit_code, unit_id, decided_on, year,
                   LAG(id) OVER w AS prev_id,
                   LAG(unit_id) OVER w AS prev_unit,
                   LAG(decided_on) OVER w AS prev_on{extra_columns}
            FROM {Record._meta.db_table}
            WHERE kind = '{Kind.INSPECTION.value}' AND enterprise = TRUE AND credit_code <> ''
              AND year BETWEEN %s AND %s AND decided_on BETWEEN %s AND %s{codes_sql}
            WINDOW w AS (PARTITION BY credit_code ORDER BY decided_on, id)"""


def repeat_inspections(
    *,
    actor_or_units: Actor | Sequence[OrgUnit],
    start: dt.date,
    end: dt.date,
    window_days: int | None = None,
    limit: int | None = None,
) -> list[Alert]:
    """涉企重复检查 alerts: an enterprise (``credit_code``) inspected (``kind`` inspection,
    ``enterprise`` true) by a unit, and by a **different** unit at most ``window_days`` days
    later (29 or 30 days apart: alert; 31: none, with the default 30), the later inspection
    dated in ``[start, end]``. A pair is seen when either unit is in the scope: the actor's
    subtree, or the subtrees of the given units (the command line: everything).

    ``window_days`` None: the province's rule ``enforcement_oversight.repeat_inspection_window``
    (default 30) of the first scope unit. Ordered by the later date, then the code.

    One SQL query: ``LAG`` over ``credit_code`` ordered by (``decided_on``, ``id``), which walks
    the ``(credit_code, decided_on)`` index; only neighbours are compared — if two inspections by
    different units lie within the window, some neighbouring pair between them does too, so an
    enterprise with a repeat inspection always shows at least one alert. The year column bounds
    the partitions read on PostgreSQL."""
    from fazhi.enforcement_oversight.rules import inspection_window

    roots = _scope_roots(actor_or_units)
    if not roots:
        return []
    if window_days is None:
        window_days = inspection_window(roots[0] if roots and roots[0].pk else None)
    since = start - dt.timedelta(days=window_days)
    slot_cols: list[str] = []
    conds: list[str] = []
    scope_params: list[Any] = []
    by_path = False
    for root in roots:
        if root.path in ("", "/"):  # the whole system
            conds, scope_params, slot_cols, by_path = [], [], [], False
            break
        if root.depth < MAX_DEPTH:
            col = f"unit_d{root.depth}"
            if col not in slot_cols:
                slot_cols.append(col)
            conds.append(f"(r.{col} = %s OR r.prev_{col} = %s)")
            scope_params += [root.pk, root.pk]
        else:  # deeper than the slots: by path
            by_path = True
            conds.append("(u.path LIKE %s OR pu.path LIKE %s)")
            scope_params += [f"{root.path}%", f"{root.path}%"]
    lags = "".join(f", {c}, LAG({c}) OVER w AS prev_{c}" for c in slot_cols)
    units = OrgUnit._meta.db_table
    join = (
        f" JOIN {units} u ON u.id = r.unit_id JOIN {units} pu ON pu.id = r.prev_unit"
        if by_path
        else ""
    )
    days = _days_sql("r.decided_on", "r.prev_on")
    scope_sql = (" AND (" + " OR ".join(conds) + ")") if conds else ""
    sql = f"""
        SELECT r.credit_code, r.prev_id, r.prev_unit, r.prev_on, r.id, r.unit_id, r.decided_on,
               {days} AS days
        FROM ({lag_sql(lags)}) r{join}
        WHERE r.prev_id IS NOT NULL AND r.unit_id <> r.prev_unit
          AND r.decided_on >= %s AND {days} <= %s{scope_sql}
        ORDER BY r.decided_on, r.credit_code, r.id
    """
    params: list[Any] = [since.year, end.year, since, end]
    params += [start, window_days, *scope_params]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Alert(
            credit_code=r[0],
            first_id=r[1],
            first_unit_id=r[2],
            first_on=_date(r[3]),
            second_id=r[4],
            second_unit_id=r[5],
            second_on=_date(r[6]),
            days=int(r[7]),
        )
        for r in rows
    ]


def stored_alerts(*, actor: Actor, year: int, limit: int = 2000) -> tuple[list[Alert], int]:
    """The stored alerts of ``year`` seen from the actor's subtree (either unit in it), in
    date order: (the first ``limit``, how many in all). Two indexed queries."""
    from fazhi.enforcement_oversight.models import InspectionAlert

    rows = visible_to(InspectionAlert.objects.filter(year=year), actor)
    total = rows.count()
    found = [
        Alert(
            credit_code=a.credit_code,
            first_id=a.first_record,
            first_unit_id=a.first_unit_id,
            first_on=a.first_on,
            second_id=a.record,
            second_unit_id=a.unit_id,
            second_on=a.second_on,
            days=a.days,
        )
        for a in rows.order_by("second_on", "credit_code", "record")[:limit]
    ]
    return found, total


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def alert_records(alerts: Sequence[Alert]) -> dict[int, Record]:
    """The records of ``alerts`` with unit and subject (one query)."""
    ids = {a.first_id for a in alerts} | {a.second_id for a in alerts}
    return {r.pk: r for r in Record.objects.filter(pk__in=ids).select_related("unit", "subject")}


__all__ = [
    "COLUMNS",
    "NO_DUTY",
    "Alert",
    "Category",
    "OverviewRow",
    "alert_records",
    "publication_counts",
    "publication_overview",
    "repeat_inspections",
    "stored_alerts",
    "todo_counts",
]
