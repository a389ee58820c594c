"""Participations counted from the registers that name advisers (read-only; nothing here writes
to another app).

========================= ====================================== =============================
register                  field read                             counted as
========================= ====================================== =============================
合法性审查 legality.Review ``reviewers`` (JSON list of name/kind):  合法性审查意见, on
                          entries of kind ``counsel`` (法律顾问)   ``completed_on`` (concluded
                          or ``lawyer`` (公职律师)                  reviews only)
重大行政决策               ``Procedure.participants`` (free text)  重大行政决策论证, on the
decisions.Procedure       of the ``expert`` (专家论证) procedure   procedure's ``done_on``
                          in state 已完成, containing the name
行政应诉 litigation        names no 代理人: 诉讼代理 is typed only  —
========================= ====================================== =============================

A name matches a roster adviser of the same name whose 聘请单位 is the record's unit (审查机构
or 送审单位; 决策机关 or 承办单位) or one of its ancestors, in post on the record's date; of
several, the nearest unit (longest path), then the latest contract. Matched records are stored
as :class:`Participation` rows with ``source``/``source_id`` (so the metrics count them and the
detail page links to the record) by :func:`participations_refresh`, run by the daily sweep and
after an adviser is registered.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fazhi.counsel.models import Counsel, Participation, ParticipationKind, Source
from fazhi.decisions.models import Procedure, ProcedureState
from fazhi.legality.models import Review, ReviewerKind

#: legality reviewer kinds that are advisers.
ADVISER_REVIEWERS = (ReviewerKind.COUNSEL, ReviewerKind.LAWYER)
EXPERT_PROCEDURE = "expert"


@dataclass(frozen=True)
class Found:
    """One record of another register naming someone: where, when, what."""

    source: str
    source_id: int
    on: dt.date
    paths: tuple[str, ...]
    names: frozenset[str]
    subject: str
    kind: str


def _legality() -> Iterator[Found]:
    rows = (
        Review.objects.filter(completed_on__isnull=False)
        .exclude(reviewers=[])
        .values_list("pk", "completed_on", "unit__path", "submitter__path", "title", "reviewers")
    )
    for pk, on, unit_path, submitter_path, title, reviewers in rows.iterator():
        names = frozenset(
            str(r.get("name", "")).strip()
            for r in reviewers or []
            if isinstance(r, dict) and r.get("kind") in ADVISER_REVIEWERS
        )
        if names and on is not None:
            yield Found(
                Source.LEGALITY,
                pk,
                on,
                (unit_path, submitter_path),
                names,
                f"合法性审查：{title}",
                ParticipationKind.LEGALITY,
            )


def _decisions(roster_names: set[str]) -> Iterator[Found]:
    rows = (
        Procedure.objects.filter(
            kind_id=EXPERT_PROCEDURE, state=ProcedureState.DONE, done_on__isnull=False
        )
        .exclude(participants="")
        .values_list(
            "decision_id",
            "done_on",
            "decision__unit__path",
            "decision__lead_unit__path",
            "decision__title",
            "participants",
        )
    )
    for pk, on, unit_path, lead_path, title, text in rows.iterator():
        names = frozenset(n for n in roster_names if n in text)
        if names and on is not None:
            yield Found(
                Source.DECISIONS,
                pk,
                on,
                (unit_path, lead_path),
                names,
                f"专家论证：{title}",
                ParticipationKind.DECISION,
            )


def _match(found: Found, name: str, candidates: list[Counsel]) -> Counsel | None:
    fitting = [
        c
        for c in candidates
        if c.contract_start <= found.on <= c.last_day
        and any(path.startswith(c.unit.path) for path in found.paths)
    ]
    if not fitting:
        return None
    return max(fitting, key=lambda c: (len(c.unit.path), c.contract_start, c.pk))


def counted(names: Iterable[str] | None = None) -> dict[tuple[int, str, int], Found]:
    """Every (adviser id, source, record id) the other registers name, for the advisers named
    ``names`` (default all)."""
    roster = Counsel.objects.select_related("unit")
    if names is not None:
        roster = roster.filter(name__in=list(names))
    by_name: dict[str, list[Counsel]] = defaultdict(list)
    for c in roster:
        by_name[c.name].append(c)
    result: dict[tuple[int, str, int], Found] = {}
    for found in (*_legality(), *_decisions(set(by_name))):
        for name in found.names:
            hit = _match(found, name, by_name.get(name, []))
            if hit is not None:
                result[(hit.pk, found.source, found.source_id)] = found
    return result


def participations_refresh(*, names: Iterable[str] | None = None) -> int:
    """Store the counted participations (for advisers named ``names``, default all): new ones
    added, vanished ones deleted, changed dates and subjects updated. Idempotent; returns how
    many rows changed."""
    names = list(names) if names is not None else None
    wanted = counted(names)
    existing = Participation.objects.exclude(source=Source.TYPED)
    if names is not None:
        existing = existing.filter(counsel__name__in=names)
    changed = 0
    seen: set[tuple[int, str, int]] = set()
    for row in existing:
        key = (row.counsel_id, row.source, row.source_id or 0)
        found = wanted.get(key)
        if found is None:
            row.delete()
            changed += 1
            continue
        seen.add(key)
        if (row.on, row.subject[:200]) != (found.on, found.subject[:200]):
            row.on, row.subject = found.on, found.subject[:200]
            row.save(update_fields=["on", "subject"])
            changed += 1
    for key, found in wanted.items():
        if key in seen:
            continue
        Participation(
            counsel_id=key[0],
            on=found.on,
            kind=found.kind,
            subject=found.subject[:200],
            source=found.source,
            source_id=found.source_id,
        ).save()
        changed += 1
    return changed
