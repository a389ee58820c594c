"""Core writes: the audit log and record history, deadline rules and holiday overrides.

Every service of every app calls :func:`record_write` (or :func:`audit_append` for actions
without a business record) inside its transaction, so each write leaves an audit entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from fazhi.core.audit import (
    ChainFields,
    chain_hash,
    encrypted_field_names,
    field_changes,
    mask_personal,
    mask_text,
)
from fazhi.core.models import AuditEntry, AuditHead, CalendarDay, CalendarYear, DeadlineRule
from fazhi.core.request_context import current_source_ip, normalise_ip
from fazhi.core.selectors import rules_cache_clear
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

RULES_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "deadline_rules.json"


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


@transaction.atomic(savepoint=False)  # part of the caller's transaction: no savepoint needed
def audit_append(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry to the keyed (HMAC-SM3) hash chain; personal data in before/after is
    masked. The source address is ``ip`` if given (e.g. a login-failure handler that knows it),
    else the current request's client address (:mod:`fazhi.core.request_context`), else none.

    Serialised by a row lock on the chain head, so concurrent writers cannot fork the chain.
    Inside :func:`audit_deferred` the entry is queued (unsaved, its time set) and written with
    the others under one lock when the scope ends.
    """
    fields = _pending(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        ip=ip,
    )
    queue = _AUDIT_QUEUE.get()
    if queue is not None:
        entry = AuditEntry(hash="", **dict(fields.__dict__))
        queue.append(entry)
        return entry
    return _chain([fields])[0]


def _pending(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    ip: str | None = None,
) -> ChainFields:
    """An entry's fields, masked and timed; ``seq`` and ``prev_hash`` are set when chained."""
    return ChainFields(
        seq=0,
        at=timezone.now().astimezone(dt.UTC),
        actor_id=actor.user.pk if actor.user else None,
        actor_name=actor.name,
        actor_role=actor.role,
        unit_path=actor.unit.path,
        unit_code=actor.unit.code,
        unit_name=actor.unit.name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=mask_personal(object_repr)[:200],
        before=mask_personal(before, personal=encrypted_field_names(object_type)),
        after=mask_personal(after, personal=encrypted_field_names(object_type)),
        prev_hash="",
        source_ip=normalise_ip(ip) if ip else current_source_ip(),
    )


#: Bulk audit (issue 15): one head lock and one INSERT per batch, never held across batches.
AUDIT_BATCH = 1000


def _chain(pending: Sequence[ChainFields]) -> list[AuditEntry]:
    """Chain ``pending`` after the head under one row lock, insert them, move the head."""
    if not pending:
        return []
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        head = AuditHead.objects.create(id=1, last_seq=0, last_hash="0" * 64)
    seq, prev = head.last_seq, head.last_hash
    entries = []
    for item in pending:
        seq += 1
        fields = dataclasses.replace(item, seq=seq, prev_hash=prev)
        prev = chain_hash(fields)
        entries.append(AuditEntry(hash=prev, **dict(fields.__dict__)))
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        AuditEntry.objects.bulk_create(entries, batch_size=AUDIT_BATCH)
    AuditHead.objects.filter(id=1).update(last_seq=seq, last_hash=prev)
    return entries


@transaction.atomic(savepoint=False)
def audit_append_many(items: Iterable[Mapping[str, Any]]) -> list[AuditEntry]:
    """Append several entries (each the keyword arguments of :func:`audit_append`) under one
    lock of the chain head: the chain is the same as if they had been appended one by one."""
    return _chain([_pending(**item) for item in items])


_AUDIT_QUEUE: ContextVar[list[AuditEntry] | None] = ContextVar("fazhi_audit_queue", default=None)


@contextmanager
def audit_deferred() -> Iterator[None]:
    """Queue every :func:`audit_append` inside and write them in one go at the end (an import's
    batch): one head lock, one ``INSERT``. Must run inside the writes' transaction; on an
    exception nothing is written (the transaction rolls back anyway). The queued entries are
    returned unsaved (time set, no ``seq``/``hash``) and saved in place at the end."""
    if _AUDIT_QUEUE.get() is not None:
        yield
        return
    queue: list[AuditEntry] = []
    token = _AUDIT_QUEUE.set(queue)
    try:
        yield
    finally:
        _AUDIT_QUEUE.reset(token)
    if not transaction.get_connection().needs_rollback:  # else everything is rolled back
        _flush_audit(queue)


def _flush_audit(queue: list[AuditEntry]) -> None:
    names = [f.name for f in dataclasses.fields(ChainFields)]
    pending = [ChainFields(**{n: getattr(e, n) for n in names}) for e in queue]
    for entry, saved in zip(queue, _chain(pending), strict=True):
        entry.pk, entry.seq, entry.prev_hash, entry.hash = (
            saved.pk,
            saved.seq,
            saved.prev_hash,
            saved.hash,
        )


@transaction.atomic(savepoint=False)
def record_write(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    summary: str = "",
) -> AuditEntry:
    """Audit a write to ``obj`` and add a line to its history tab (both masked).

    For a pending record of a staged scope (:mod:`fazhi.core.staging`) both are made when the
    scope writes the record (it has no key yet); the entry returned then is a placeholder."""
    from fazhi.core import staging
    from fazhi.core.models import RecordEvent

    if staging.is_pending(obj):
        at = timezone.now().astimezone(dt.UTC)
        changes = field_changes(type(obj), before, after, obj)
        staging.defer(
            lambda: _record_staged(actor, action, obj, before, after, summary, at, changes)
        )
        return AuditEntry(action=action, object_type=object_type_of(obj), at=at)
    object_type = object_type_of(obj)
    entry = audit_append(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(obj.pk),
        object_repr=str(obj),
        before=before,
        after=after,
    )
    RecordEvent.objects.create(
        object_type=object_type,
        object_id=str(obj.pk),
        at=entry.at,
        actor_name=actor.name,
        unit_name=actor.unit.name,
        action=action,
        summary=mask_text(summary)[:200],
        changes=field_changes(type(obj), before, after, obj),
    )
    return entry


def _with_key(data: dict[str, Any] | None, obj: models.Model) -> dict[str, Any] | None:
    """A snapshot taken before the record had its key, with the key."""
    if data is not None and data.get("id", 0) is None:
        return {**data, "id": obj.pk}
    return data


def _record_staged(
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    summary: str,
    at: dt.datetime,
    changes: list[dict[str, Any]],
) -> None:
    """The audit entry and history line of a staged write, now that ``obj`` has its key: the
    entry is queued to the chain (:func:`audit_deferred`), the line staged for one INSERT."""
    from fazhi.core import staging
    from fazhi.core.models import RecordEvent

    object_type = object_type_of(obj)
    audit_append(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(obj.pk),
        object_repr=str(obj),
        before=_with_key(before, obj),
        after=_with_key(after, obj),
    )
    staging.create(
        RecordEvent,
        object_type=object_type,
        object_id=str(obj.pk),
        at=at,
        actor_name=actor.name,
        unit_name=actor.unit.name,
        action=action,
        summary=mask_text(summary)[:200],
        changes=changes,
    )


def _version(text: str) -> tuple[int, ...]:
    """'2024.10' > '2024.9': compare fixture versions as numbers."""
    return tuple(int(part) for part in text.split(".") if part.isdigit())


class RuleFixtureError(ValueError):
    """The shipped deadline rule fixtures are wrong (e.g. one rule defined in two files)."""


def deadline_rule_fixtures() -> list[Path]:
    """core's rule fixture, then each installed app's own ``<app>/fixtures/deadline_rules.json``
    (in kit order): a register ships its statutory periods with itself, touching no shared file."""
    from fazhi.core.kit import kits

    own = [kit.package_path() / "fixtures" / "deadline_rules.json" for kit in kits()]
    return [RULES_FIXTURE, *(path for path in own if path.is_file() and path != RULES_FIXTURE)]


def _rule_items(files: list[Path]) -> list[tuple[dict[str, Any], str]]:
    """(rule, its file's version) of every file; a (code, region) defined twice is refused."""
    items: list[tuple[dict[str, Any], str]] = []
    seen: dict[tuple[str, str], Path] = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data["rules"]:
            key = (item["code"], item.get("region", ""))
            if key in seen:
                where = "同一文件中" if seen[key] == path else f"{seen[key]} 和 {path} 中"
                region = f"（省份 {key[1]}）" if key[1] else ""
                raise RuleFixtureError(
                    f"期限规则 {key[0]}{region} 在{where}重复定义，每条规则只能写在一个规则文件中"
                )
            seen[key] = path
            items.append((item, str(data["version"])))
    return items


@transaction.atomic
def deadline_rules_sync(*, actor: Actor | None = None, path: Path | None = None) -> int:
    """Load the versioned rule fixtures — core's and every app's own (see
    :func:`deadline_rule_fixtures`), or only the one at ``path`` — creating missing rules and
    updating ones not edited locally whose file has a newer version.

    Returns the number of rows created or updated. Idempotent. A rule defined twice (in two
    files, or twice in one) raises :class:`RuleFixtureError` naming the rule and the files.
    """
    rules_cache_clear()
    changed = 0
    for item, version in _rule_items(deadline_rule_fixtures() if path is None else [path]):
        key = {"code": item["code"], "region": item.get("region", "")}
        values = {k: v for k, v in item.items() if k not in key} | {"fixture_version": version}
        rule = DeadlineRule.objects.filter(**key).first()
        if rule is None:
            rule = DeadlineRule.objects.create(**key, **values)
        elif rule.locally_modified or _version(rule.fixture_version) >= _version(version):
            continue
        else:
            for name, value in values.items():
                setattr(rule, name, value)
            rule.save()
        changed += 1
        if actor is not None:
            audit_append(
                actor=actor,
                action="deadline_rule.sync",
                object_type="core.deadlinerule",
                object_id=str(rule.pk),
                object_repr=str(rule),
                after=values,
            )
    return changed


@transaction.atomic
def calendar_day_set(*, actor: Actor, date: dt.date, is_workday: bool, name: str) -> CalendarDay:
    """Record a holiday or 调休 working day override (系统管理员)."""
    rules_cache_clear()
    actor.require(Cap.MANAGE_UNITS)
    actor.require_top()
    day, _ = CalendarDay.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "name": name}
    )
    audit_append(
        actor=actor,
        action="calendar_day.set",
        object_type="core.calendarday",
        object_id=str(day.pk),
        object_repr=str(day),
        after={"date": date.isoformat(), "is_workday": is_workday, "name": name},
    )
    return day


@transaction.atomic
def calendar_year_set(*, actor: Actor, year: int, source: str, complete: bool) -> CalendarYear:
    """Declare whether a year's schedule is completely entered (系统管理员)."""
    rules_cache_clear()
    actor.require(Cap.MANAGE_UNITS)
    actor.require_top()
    row, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "complete": complete}
    )
    audit_append(
        actor=actor,
        action="calendar_year.set",
        object_type="core.calendaryear",
        object_id=str(row.pk),
        object_repr=str(row),
        after={"year": year, "source": source, "complete": complete},
    )
    return row
