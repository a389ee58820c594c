"""Core reads: calendar data for the deadline engine, rule lookup, due dates, audit chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import F, Q, Subquery, Value

from fazhi.core.audit import (
    GENESIS_HASH,
    Anchor,
    BrokenLink,
    ChainFields,
    check_anchor,
    verify_chain,
)
from fazhi.core.deadlines import CalendarData, Counting, Due, add_days, count_back, year_covered
from fazhi.core.models import (
    AuditEntry,
    AuditHead,
    CalendarDay,
    CalendarYear,
    DeadlineRule,
    RecordEvent,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, visible_to


class UnknownRule(LookupError):
    """No deadline rule with that code."""


# --- rules and calendar read once per scope (issue 15) --------------------------------------
#: The active scope's memo (None: no scope, every call reads the database). A scope is one
#: transition (:meth:`fazhi.core.workflow.Workflow.run`) or one import: never longer than a
#: request or a job, so a rule or holiday edited in the admin applies to the next one; the
#: services that edit rules or the calendar also empty it (:func:`rules_cache_clear`).
_RULES_MEMO: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar(
    "fazhi_rules_memo", default=None
)
T = TypeVar("T")


@contextmanager
def rules_cache() -> Iterator[None]:
    """Read the deadline rules, the calendar and units' province codes at most once inside.

    Nested scopes share the outermost one's memo."""
    if _RULES_MEMO.get() is not None:
        yield
        return
    token = _RULES_MEMO.set({})
    try:
        yield
    finally:
        _RULES_MEMO.reset(token)


def rules_cache_clear() -> None:
    """Forget what the active scope read (a rule or calendar day was just written)."""
    memo = _RULES_MEMO.get()
    if memo is not None:
        memo.clear()


def _memo(key: tuple[Any, ...], read: Callable[[], T]) -> T:
    memo = _RULES_MEMO.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]  # type: ignore[no-any-return]


def calendar_data() -> CalendarData:
    """The administrator's holiday overrides, as data for :mod:`fazhi.core.deadlines`."""
    return _memo(("calendar",), _calendar_data)


def _calendar_data() -> CalendarData:
    """The overrides and the complete years in one query (a ``UNION ALL``)."""
    days = CalendarDay.objects.order_by().values_list(
        "date", "is_workday", Value(None, output_field=models.IntegerField())
    )
    years = (
        CalendarYear.objects.filter(complete=True)
        .order_by()
        .values_list(
            Value(None, output_field=models.DateField()),
            Value(None, output_field=models.BooleanField()),
            "year",
        )
    )
    found: dict[dt.date, bool] = {}
    complete: set[int] = set()
    for date, is_workday, year in days.union(years, all=True):
        if year is not None:
            complete.add(year)
        else:
            found[date] = bool(is_workday)
    return CalendarData(days=found, complete_years=frozenset(complete))


def province_code_of(unit: OrgUnit | None) -> str:
    """The province code that applies to a unit: its own, else the nearest ancestor's."""
    if unit is None:
        return ""
    if unit.province_code:
        return unit.province_code
    memo = _RULES_MEMO.get()
    if memo is not None and ("province", unit.pk, unit.path) not in memo:
        _rules_of_unit(unit, memo)
    return _memo(("province", unit.pk, unit.path), lambda: _province_code_above(unit))


def _rules_of_unit(unit: OrgUnit, memo: dict[tuple[Any, ...], Any]) -> None:
    """Inside :func:`rules_cache`: the unit's province code and that province's rules in one
    query (the rules annotated with the nearest ancestor's code), as the caller reads both."""
    nearest = (
        OrgUnit.objects.filter(pk__in=unit.ancestor_ids)
        .exclude(province_code="")
        .order_by("-depth")
        .values("province_code")[:1]
    )
    rows = list(
        DeadlineRule.objects.annotate(fz_province=Subquery(nearest))
        .filter(Q(region="") | Q(region=F("fz_province")))
        .order_by("code")
    )
    if not rows:
        return  # no rule at all: the code is read on its own
    province = rows[0].fz_province or ""
    memo[("province", unit.pk, unit.path)] = province
    memo.setdefault(("rules", province), _chosen(rows))


def _province_code_above(unit: OrgUnit) -> str:
    codes = dict(
        OrgUnit.objects.filter(pk__in=unit.ancestor_ids).values_list("depth", "province_code")
    )
    for depth in sorted(codes, reverse=True):
        if codes[depth]:
            return codes[depth]
    return ""


def rule_for(code: str, *, province: str = "") -> DeadlineRule:
    """The rule ``code`` for a province (its own row if any, else the national one); inside
    :func:`rules_cache`, taken from the province's rules read once."""
    if _RULES_MEMO.get() is not None:
        found = next((r for r in rules_for_province(province) if r.code == code), None)
        if found is None:
            raise UnknownRule(code)
        return found
    rows = {r.region: r for r in DeadlineRule.objects.filter(code=code, region__in={"", province})}
    rule = rows.get(province) or rows.get("")
    if rule is None:
        raise UnknownRule(code)
    return rule


def rules_for_province(province: str) -> list[DeadlineRule]:
    """One rule per code: the province's own row where it has one, else the national rule."""
    return list(_memo(("rules", province), lambda: _rules_for_province(province)))


def _rules_for_province(province: str) -> list[DeadlineRule]:
    return _chosen(DeadlineRule.objects.filter(region__in={"", province}).order_by("code"))


def _chosen(rules: Iterable[DeadlineRule]) -> list[DeadlineRule]:
    """One rule per code (rules ordered by code): the province's own row over the national."""
    chosen: dict[str, DeadlineRule] = {}
    for rule in rules:
        if rule.code not in chosen or rule.region:
            chosen[rule.code] = rule
    return list(chosen.values())


def calendar_years(around: int) -> list[tuple[int, bool]]:
    """(year, schedule known?) for the year before ``around`` and the two after it."""
    cal = calendar_data()
    return [(y, year_covered(y, cal)) for y in range(around - 1, around + 3)]


def calendar_overrides(since_year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(date__year__gte=since_year))


@dataclass(frozen=True)
class RuleDue:
    rule: DeadlineRule
    due: Due
    extended: Due | None

    @property
    def warnings(self) -> list[str]:
        """Calendar-coverage warnings of the due date and of the extended date, once each."""
        found = [self.due.warning, self.extended.warning if self.extended else None]
        return sorted({w for w in found if w})


def compute_due(
    rule: DeadlineRule, start: dt.date, calendar: CalendarData | None = None
) -> RuleDue:
    """Due date of ``rule`` from ``start``, and the latest date if the extension is granted.

    The extension is added to the end of the original period: for working-day rules this is
    the same as counting days + extension from the start; for natural-day rules whose last
    day was moved past a holiday, the extension starts from the moved date.
    """
    cal = calendar if calendar is not None else calendar_data()
    if rule.backward:  # counted back from the event (第51条 听证通知): no extension
        return RuleDue(
            rule=rule, due=count_back(start, rule.days, rule.counting, calendar=cal), extended=None
        )
    due = add_days(start, rule.days, Counting(rule.counting), calendar=cal)
    extended = None
    if rule.extension_days:
        # The extension runs on from the end of the original period (its rolled date).
        extended = add_days(due.due, rule.extension_days, Counting(rule.counting), calendar=cal)
    return RuleDue(rule=rule, due=due, extended=extended)


def _chain_rows() -> Iterator[tuple[ChainFields, str]]:
    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        yield (
            ChainFields(
                seq=e.seq,
                at=e.at,
                actor_id=e.actor_id,
                actor_name=e.actor_name,
                actor_role=e.actor_role,
                unit_path=e.unit_path,
                unit_code=e.unit_code,
                unit_name=e.unit_name,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                object_repr=e.object_repr,
                before=e.before,
                after=e.after,
                prev_hash=e.prev_hash,
                source_ip=e.source_ip,
            ),
            e.hash,
        )


def audit_verify(anchor: Anchor | None = None) -> tuple[int, BrokenLink | None]:
    """Verify the whole audit chain: (entries checked, first broken link or None).

    Each entry's HMAC-SM3 under the chain key and its link to the previous one are checked, so
    a row rewritten with a recomputed hash (plain SM3, or any key but the real one) is caught.
    Also compares the last entry with the chain head, so deleting the newest entries is caught,
    and, given an ``anchor`` kept elsewhere (``fazhi audit anchor``), that the chain still holds
    the anchored entry with the anchored hash (truncation, or a chain recomputed with the key).
    """
    checked, broken = verify_chain(_chain_rows())
    if broken is None and anchor is not None:
        stored = AuditEntry.objects.filter(seq=anchor.seq).values_list("hash", flat=True).first()
        broken = check_anchor(anchor, stored if anchor.seq else GENESIS_HASH, checked)
    head = AuditHead.objects.filter(id=1).first()
    if broken is not None:
        return checked, broken
    if head is None:
        if checked:
            broken = BrokenLink(1, "链头记录缺失")
    elif head.last_seq != checked:
        broken = BrokenLink(checked + 1, f"末尾记录缺失（链头记录共 {head.last_seq} 条）")
    elif checked and AuditEntry.objects.get(seq=checked).hash != head.last_hash:
        broken = BrokenLink(checked, "末条记录与链头哈希不符（末条被改写）")
    return checked, broken


def history_of(object_type: str, object_id: str) -> list[RecordEvent]:
    """The history tab of one record, newest first."""
    return list(RecordEvent.objects.filter(object_type=object_type, object_id=object_id))


def audit_entries(
    actor: Actor, *, action: str = "", actor_name: str = "", unit_code: str = ""
) -> models.QuerySet[AuditEntry]:
    """Audit entries of the actor's subtree, newest first, optionally filtered."""
    qs = visible_to(AuditEntry.objects.all(), actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_name:
        qs = qs.filter(actor_name__contains=actor_name)
    if unit_code:
        qs = qs.filter(unit_code=unit_code)
    return qs.order_by("-seq")


def audit_anchor_now() -> Anchor:
    """The chain head as an anchor signed with the chain key (for ``fazhi audit anchor``)."""
    from django.utils import timezone

    last = AuditEntry.objects.order_by("-seq").only("seq", "hash", "at").first()
    taken = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    if last is None:
        return Anchor(seq=0, hash=GENESIS_HASH, at="", taken_at=taken).signed()
    at = last.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return Anchor(seq=last.seq, hash=last.hash, at=at, taken_at=taken).signed()


def audit_archive(
    since: dt.datetime | None = None, until: dt.datetime | None = None
) -> models.QuerySet[AuditEntry]:
    """Every entry with ``since <= at < until`` (either bound optional), oldest first: the
    archive export of the whole log (the command line's, not scoped). Personal data stays
    masked as stored."""
    qs = AuditEntry.objects.all()
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs.order_by("seq")
