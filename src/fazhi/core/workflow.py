"""Declared transitions and the one runner that carries them out, for every register.

A register's state machine is a :class:`Workflow`: a list of :class:`Transition` declarations
(name, Chinese label, source states → target state, the form, the capability it needs, one
``problem(obj, today)`` check and the change it applies). :meth:`Workflow.run` does, for every
register and in this order:

1. permission (the transition's capability) and scope (the workflow's ``authorize`` hook);
2. a row lock (``select_for_update``) and the state check against the declared sources;
3. ``problem(obj, today)``: the rule that may forbid the step now (the same function the UI
   uses to show the button disabled with its reason, and the API uses to list transitions);
4. ``apply(obj, actor=…, **form_data)``: validates the form data against the record and
   changes the record's own fields, returning a :class:`Change` (date, note …);
5. the target state, the deadline recalculation hook (``recalc``);
6. ``save(update_fields=…)`` with exactly the fields that changed;
7. the timeline event (the register's :class:`fazhi.core.models.TimelineEvent` subclass), the
   record history and the audit entry (:func:`fazhi.core.services.record_write`).

A new record of an import's staged scope (:mod:`fazhi.core.staging`) runs the same steps in
memory: no row lock or re-read (nobody else can see it), no ``UPDATE`` (it is inserted once
with its final values), its event, history and audit written in bulk with it.

The deadline rules and the calendar are read at most once per run (:func:`fazhi.core.selectors.
rules_cache`; an import keeps one scope for the whole file).

Status changes happen only here (and in a register's services for the row's creation). The
bulk path of the city/province demo seeder uses :meth:`Workflow.advance`, which enforces the
same source → target table without writing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.selectors import rules_cache
from fazhi.core.services import record_write
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

if TYPE_CHECKING:
    from fazhi.core.register_forms import StepForm

M = TypeVar("M", bound=models.Model)

Problem = Callable[[Any, dt.date], str]


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class Change:
    """What a transition's ``apply`` reports: the date of the act and the timeline note.

    ``event_kind`` replaces the transition's label as the timeline entry (e.g. 开庭 for
    登记开庭), ``summary`` the history/audit summary; ``result`` is what the service returns
    when it is not the record itself (e.g. the new hearing row). ``event`` False: no
    timeline entry.
    """

    on: dt.date
    note: str = ""
    event_kind: str = ""
    summary: str = ""
    result: Any = None
    event: bool = True
    #: Side effects once the record, its event and its audit entry are written (same
    #: transaction), e.g. opening a 败诉剖析 after a loss.
    after: Callable[[], None] | None = None


@dataclass(frozen=True)
class Transition:
    """One declared transition of a register's state machine."""

    name: str
    label: str
    sources: tuple[str, ...]
    apply: Callable[..., Change]
    target: str | None = None  # None: the state stays (a step inside a state)
    form_class: type[StepForm] | None = None
    cap: Cap = Cap.EDIT_RECORDS
    problem: Problem | None = None
    confirm: str = ""
    help: str | Callable[[Any], str] = ""  # a callable of the record for rule-based texts
    #: Whether the screens offer the step at all for this record (e.g. 转普通程序 only for a
    #: simple-procedure case); the runner still checks ``problem``. None: always.
    offered: Callable[[Any], bool] | None = None
    refusal_label: str = ""  # "不能{…}" in the state message; default the label
    #: Taken by the law itself when a period ends (e.g. 视为受理): the command line (the daily
    #: sweep) may take it without the scope check.
    by_system: bool = False
    audit_action: str = ""  # default "<audit_prefix>.<name>"

    def help_for(self, obj: Any) -> str:
        return self.help(obj) if callable(self.help) else self.help


@dataclass
class Workflow(Generic[M]):
    """The state machine of one register model and its runner.

    ``authorize(actor, obj)`` raises PermissionDenied when the actor's side may not move the
    record (e.g. only the 复议机构, not the 被申请人). ``recalc(obj)`` re-derives stored
    deadlines from the record's dates (no I/O beyond reading rules). ``event_model`` is the
    register's timeline event model, linked by ``event_fk``. ``noun`` names the record in the
    state message (“案件当前状态为…”).
    """

    model: type[M]
    transitions: Sequence[Transition]
    audit_prefix: str
    event_model: type[models.Model] | None = None
    event_fk: str = "case"
    status_field: str = "status"
    noun: str = "案件"
    authorize: Callable[[Actor, M], None] | None = None
    recalc: Callable[[M], None] | None = None
    _by_name: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.transitions}
        if len(self._by_name) != len(self.transitions):
            raise ValueError("同一台账的办理事项重名")

    # --- the table ------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Transition:
        return self._by_name[name]

    def state_of(self, obj: M) -> str:
        return str(getattr(obj, self.status_field))

    def state_label(self, obj: M) -> str:
        display = getattr(obj, f"get_{self.status_field}_display", None)
        return str(display()) if callable(display) else self.state_of(obj)

    def table(self) -> dict[str, dict[str, str]]:
        """state → {transition: next state}, as the declarations say (for docs and tests)."""
        field_ = self.model._meta.get_field(self.status_field)
        assert isinstance(field_, models.Field)
        states = [str(value) for value, _ in field_.choices or ()]
        return {
            s: {t.name: t.target or s for t in self.transitions if s in t.sources} for s in states
        }

    def state_allows(self, obj: M, name: str) -> bool:
        return self.state_of(obj) in self[name].sources

    def state_message(self, obj: M, name: str) -> str:
        t = self[name]
        return f"{self.noun}当前状态为“{self.state_label(obj)}”，不能{t.refusal_label or t.label}"

    def blocker(self, obj: M, name: str, on: dt.date | None = None) -> str:
        """Why ``name`` cannot be taken on ``obj`` now ("" if it can): the state, then the
        transition's ``problem``. Permission is separate (:meth:`permission_problem`)."""
        if not self.state_allows(obj, name):
            return self.state_message(obj, name)
        problem = self[name].problem
        return problem(obj, on or today()) if problem is not None else ""

    def permission_problem(self, actor: Actor, obj: M, name: str) -> str:
        """Why ``actor`` may not take ``name`` on ``obj`` at all ("" if it may)."""
        try:
            self._authorize(actor, obj, self[name])
        except PermissionDenied as exc:
            return str(exc) or "无权限"
        return ""

    def _authorize(self, actor: Actor, obj: M, t: Transition) -> None:
        if t.by_system and actor.is_command_line:
            return
        actor.require(t.cap)
        if self.authorize is not None:
            self.authorize(actor, obj)

    # --- the bulk path --------------------------------------------------------------------
    def advance(self, obj: M, name: str) -> None:
        """Move an unsaved in-memory record along ``name`` (state check only, no I/O).

        For bulk writers (the city/province demo seeder) that set the record's dates
        themselves and save many rows at once; the declared source → target table still
        holds. Raises ValueError for a move the table does not allow."""
        t = self[name]
        if self.state_of(obj) not in t.sources:
            raise ValueError(self.state_message(obj, name))
        if t.target is not None:
            setattr(obj, self.status_field, t.target)

    # --- the runner -----------------------------------------------------------------------
    def run(self, name: str, *, actor: Actor, obj: M, **data: Any) -> Any:
        """Carry out transition ``name`` on ``obj`` with the form's ``data`` (see module doc).

        Returns the saved record, or the change's ``result`` when it names one. A pending
        record (:mod:`fazhi.core.staging`) is only changed in memory: no savepoint is needed
        (the caller's own atomic block, the service's, undoes a refusal)."""
        with transaction.atomic(savepoint=not staging.is_pending(obj)), rules_cache():
            return self._run(self[name], actor, obj, data)

    def _run(self, t: Transition, actor: Actor, obj: M, data: dict[str, Any]) -> Any:
        self._authorize(actor, obj, t)
        pending = staging.is_pending(obj)  # an import's new record, written at the batch end
        if pending:
            fresh = obj
        else:
            fresh = self.model._default_manager.select_for_update().get(pk=obj.pk)
            _reuse_related(obj, fresh)
        reason = self.blocker(fresh, t.name)
        if reason:
            raise ValidationError(reason)
        before_values = _values(fresh)
        before = snapshot(fresh)
        change = t.apply(fresh, actor=actor, **data)
        if t.target is not None:
            setattr(fresh, self.status_field, t.target)
        if self.recalc is not None:
            self.recalc(fresh)
        changed = [name for name, value in _values(fresh).items() if before_values[name] != value]
        if changed and not pending:
            fresh.save(update_fields=[*changed, *_auto_now(fresh)])
        kind = change.event_kind or t.label
        if change.event and self.event_model is not None:
            staging.create(
                self.event_model,
                **{self.event_fk: fresh},
                kind=kind,
                on=change.on,
                actor_name=actor.name,
                note=change.note,
            )
        summary = change.summary or (f"{t.label}：{change.note}" if change.note else t.label)
        record_write(
            actor=actor,
            action=t.audit_action or f"{self.audit_prefix}.{t.name}",
            obj=fresh,
            before=before,
            after=snapshot(fresh),
            summary=summary,
        )
        # A pending record's after-action runs once the batch has written it.
        if change.after is not None and not (pending and staging.defer(change.after)):
            change.after()
        _copy_fields(fresh, obj)
        return change.result if change.result is not None else fresh


def _values(obj: models.Model) -> dict[str, Any]:
    return {
        f.attname: f.value_from_object(obj)
        for f in obj._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now", False)
    }


def _reuse_related(source: models.Model, target: models.Model) -> None:
    """Give the freshly locked row the related rows (units) the caller's instance already
    holds, where it points to the same ones: no query per foreign key read afterwards."""
    for f in source._meta.concrete_fields:
        if (
            isinstance(f, models.ForeignKey)
            and f.is_cached(source)
            and getattr(source, f.attname) == getattr(target, f.attname)
        ):
            f.set_cached_value(target, f.get_cached_value(source))


def _auto_now(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]


def _copy_fields(source: models.Model, target: models.Model) -> None:
    """Let the caller's instance see what was saved (services used to return the fresh row;
    callers that keep their own reference see the same values)."""
    if source is target:
        return
    for f in source._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def check_date(
    value: dt.date,
    label: str,
    *,
    not_before: dt.date | None = None,
    after_label: str = "",
    field: str = "date",
) -> None:
    """Refuse a future date, or one before the prior step; the error names ``field``."""
    now = today()
    if value > now:
        raise ValidationError({field: f"{label}不能晚于今天（{now:%Y年%-m月%-d日}）"})
    if not_before is not None and value < not_before:
        raise ValidationError(
            {field: f"{label}不能早于{after_label}（{not_before:%Y年%-m月%-d日}）"}
        )
