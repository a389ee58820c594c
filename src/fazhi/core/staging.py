"""Staged writes: the bulk path of an import (issue 15, item 3).

Inside :func:`staged` a register's creation service does not ``save()`` the new record: it
hands it to :func:`save_new`, which keeps it in memory (a *pending* record, no primary key).
The same declared transitions then run on it through :meth:`fazhi.core.workflow.Workflow.run`
— permission, scope, the state table, each transition's ``problem`` check and ``apply``, the
deadline recalculation — exactly as for a saved record, but without the row lock, the
re-read and the ``UPDATE``: the record is written once, with its final values. The rows the
steps create around it (timeline events, suspensions, …: :func:`create`), the history lines
and the audit entries (:func:`fazhi.core.services.record_write`) wait with it.

When the scope ends (inside the batch's transaction, unless it is being rolled back) every
pending row is written with one ``bulk_create`` per table, in the order the tables were first
used (a record before the rows that point to it), the history with one more, and the audit
entries are queued to the chain in the order they were made (:func:`fazhi.core.services.
audit_deferred` then chains them under one lock). Each row gets the ``pre_save`` (when it is
staged, as ``save()`` sends it before writing) and ``post_save`` (after the INSERT) signals:
the tree slots, the monthly facts and an import's undo journal listen to them, so the other
apps see no difference.

What a step reads back about a pending record comes from memory: :func:`children` lists the
pending rows pointing to it (a reverse relation cannot be queried before the record has a
key), :func:`save` is a no-op for a pending row. Outside a staged scope these helpers save and
query as usual, so the services work unchanged in both modes.

All-or-nothing is kept by the caller: the import runs the steps of a batch in one
transaction and rolls it back on any error (a pending record whose step failed never reaches
the database).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

#: Rows per INSERT statement (SQLite allows 32,766 parameters; a case has about 60 columns).
INSERT_BATCH = 400


@dataclass
class Stage:
    """What one staged scope holds until it ends."""

    pending: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    ids: set[int] = field(default_factory=set)
    #: Deferred history lines and audit entries, in the order they were made: each a callable
    #: run at the flush, once the rows have their keys.
    after_insert: list[Callable[[], None]] = field(default_factory=list)
    memo: dict[Any, Any] = field(default_factory=dict)


_STAGE: ContextVar[Stage | None] = ContextVar("fazhi_stage", default=None)


def active() -> Stage | None:
    """The current staged scope, or None."""
    return _STAGE.get()


@contextmanager
def staged() -> Iterator[Stage]:
    """Keep new records in memory and write them in bulk when the scope ends (see module doc).

    Must run inside the writes' transaction; nested scopes join the outermost one. Nothing
    is written when the transaction is being rolled back."""
    current = _STAGE.get()
    if current is not None:
        yield current
        return
    stage = Stage()
    token = _STAGE.set(stage)
    try:
        yield stage
        if not transaction.get_connection().needs_rollback:
            flush(stage)
    finally:
        _STAGE.reset(token)


def is_pending(obj: models.Model) -> bool:
    """Whether ``obj`` is a new record of the current staged scope, not yet written."""
    stage = _STAGE.get()
    return stage is not None and obj.pk is None and id(obj) in stage.ids


def save_new(obj: M) -> M:
    """Save a new record, or, inside a staged scope, keep it to be written in bulk."""
    stage = _STAGE.get()
    if stage is None:
        obj.save(force_insert=True)
        return obj
    model = type(obj)
    # ``save()`` sends pre_save before it writes: what it fills (the tree slots) is in the
    # snapshots the audit takes right after; post_save follows the bulk INSERT (flush).
    pre_save.send(model, instance=obj, raw=False, using=model._base_manager.db, update_fields=None)
    for f in model._meta.concrete_fields:  # the stamps ``save()`` sets (auto_now, auto_now_add)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            f.pre_save(obj, add=True)
    stage.pending.setdefault(model, []).append(obj)
    stage.ids.add(id(obj))
    return obj


def create(model: type[M], **values: Any) -> M:
    """``model.objects.create(**values)``, staged inside a staged scope."""
    return save_new(model(**values))


def pending_of(model: type[M]) -> list[M]:
    """The pending rows of ``model`` in the current staged scope (none outside one)."""
    stage = _STAGE.get()
    return list(stage.pending.get(model, [])) if stage is not None else []  # type: ignore[arg-type]


def exists(model: type[models.Model], **lookups: Any) -> bool:
    """``model.objects.filter(**lookups).exists()``, the scope's pending rows included: a
    uniqueness check in a creation service must see the rows of its own batch (exact field
    lookups only; a foreign key may be given as the object or its key)."""
    for row in pending_of(model):
        if all(_matches(row, key, value) for key, value in lookups.items()):
            return True
    return model._default_manager.filter(**lookups).exists()


def _matches(row: models.Model, key: str, value: Any) -> bool:
    if "__" in key:
        raise ValueError(f"staging.exists 只支持字段相等的条件：{key}")
    f = row._meta.get_field(key)
    if isinstance(f, models.ForeignKey):
        if isinstance(value, models.Model):
            if f.is_cached(row) and f.get_cached_value(row) is value:
                return True
            value = value.pk
        return value is not None and getattr(row, f.attname) == value
    return bool(getattr(row, key) == value)


def save(obj: models.Model, *, update_fields: list[str] | None = None) -> None:
    """Save a changed row; a pending one is written with its final values at the end."""
    if is_pending(obj):
        return
    obj.save(update_fields=update_fields)


def children(parent: models.Model, model: type[M], fk: str, related_name: str) -> list[M]:
    """The ``model`` rows whose ``fk`` points to ``parent``: from memory for a pending parent
    (with the pending rows of a saved one), else ``parent.<related_name>.all()``."""
    stage = _STAGE.get()
    staged_rows: list[M] = []
    if stage is not None:
        staged_rows = [
            row  # type: ignore[misc]
            for row in stage.pending.get(model, [])
            if getattr(row, fk) is parent
            or (parent.pk is not None and getattr(row, f"{fk}_id") == parent.pk)
        ]
    if parent.pk is None:
        return staged_rows
    saved: list[M] = list(getattr(parent, related_name).all())
    return saved + staged_rows


def defer(action: Callable[[], None]) -> bool:
    """Run ``action`` at the flush (after the rows have their keys); False outside a scope."""
    stage = _STAGE.get()
    if stage is None:
        return False
    stage.after_insert.append(action)
    return True


def memo(key: Any, compute: Callable[[], T]) -> T:
    """``compute()``, remembered for the rest of the staged scope (e.g. a unit's 复议机关)."""
    stage = _STAGE.get()
    if stage is None:
        return compute()
    if key not in stage.memo:
        stage.memo[key] = compute()
    return stage.memo[key]  # type: ignore[no-any-return]


def flush(stage: Stage) -> None:
    """Write the scope's pending rows (one ``bulk_create`` per table and per
    :data:`INSERT_BATCH` rows), then run its deferred actions (history lines and audit
    entries, which stage rows of their own: written by the next round)."""
    while stage.pending or stage.after_insert:
        if stage.pending and not connection.features.can_return_rows_from_bulk_insert:
            raise RuntimeError(
                "数据库不支持批量插入后返回主键（需要 PostgreSQL 或 SQLite 3.35 以上）"
            )
        pending, stage.pending = stage.pending, {}
        for model in _parents_first(list(pending)):
            rows = pending[model]
            using = model._base_manager.db
            for row in rows:  # a row made before its parent had a key points to it by object
                _link_parents(row)
            model._base_manager.bulk_create(rows, batch_size=INSERT_BATCH)
            for row in rows:
                stage.ids.discard(id(row))
                post_save.send(
                    model, instance=row, created=True, raw=False, using=using, update_fields=None
                )
        actions, stage.after_insert = stage.after_insert, []
        for action in actions:
            action()


def _parents_first(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """The models in an order where each comes after the models it points to (a batch may
    stage an event of an earlier batch's record before a new record of its own)."""
    ordered: list[type[models.Model]] = []
    left = list(found)
    while left:
        for model in left:
            targets = {
                f.related_model
                for f in model._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model is not model
            }
            if not targets & (set(left) - {model}):
                ordered.append(model)
                left.remove(model)
                break
        else:  # a cycle between pending tables: keep the order they were used in
            ordered.extend(left)
            break
    return ordered


def _link_parents(row: models.Model) -> None:
    for f in row._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.is_cached(row):
            parent = f.get_cached_value(row)
            if parent is not None and getattr(row, f.attname) is None:
                setattr(row, f.attname, parent.pk)
