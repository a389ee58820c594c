"""The parts a register is configured with: list columns and filters, buttons (:class:`Action`)
and steps on a row (:class:`Step`), and the steps of a declared workflow
(:func:`transition_steps`). Re-exported by :mod:`fazhi.core.registers`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from fazhi.core.audit import mask_value
from fazhi.core.register_forms import StepForm
from fazhi.core.workflow import Transition, Workflow
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import units_for

M = TypeVar("M", bound=models.Model)


DATE_FORMAT = "%Y-%m-%d"


def display_value(value: object) -> object:
    """A value as the screens show it: dates always as ``2024-03-04``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime(DATE_FORMAT)
    return value


@dataclass(frozen=True)
class Column:
    """A list column: a field name (dotted for relations) or a callable, and its header.

    ``css`` is the class of the column's cells (``"nowrap"`` keeps a 案号 on one line; a
    date column gets ``"date"`` by itself). A ``personal`` column (a name, an ID number) is
    shown masked unless :meth:`render` is asked for the full value (the row's handler on the
    detail page, see ``Register.handler_unmasked``).
    """

    name: str
    label: str
    value: Callable[[Any], object] | None = None
    link: bool = False
    css: str = ""
    personal: bool = False

    def render(self, obj: Any, *, full: bool = False) -> object:
        value = self._value(obj)
        if self.personal and not full and isinstance(value, str):
            return mask_value(value)
        return value

    def _value(self, obj: Any) -> object:
        if self.value is not None:
            return self.value(obj)
        value: Any = obj
        for part in self.name.split("."):
            display = getattr(value, f"get_{part}_display", None)
            value = display() if callable(display) else getattr(value, part, None)
            if value is None:
                return ""
        return value


Choices = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Filter:
    """A list filter: a GET parameter applied as ``lookup``; choices make it a select box.

    ``choices`` may be a callable of the actor (e.g. the units of its subtree). ``apply``
    replaces ``lookup`` when the filter is more than one lookup (e.g. "overdue as of today").
    A value outside static choices is ignored rather than passed to the database.
    """

    name: str
    label: str
    lookup: str = ""
    choices: Choices | Callable[[Actor], Choices] = field(default_factory=tuple)
    apply: Callable[[Any, str], Any] | None = None
    param_type: type = str  # the API's query parameter type (int for a 年度)
    #: A picker instead of a select box (the unit filter, issue 15): the URL name of the
    #: type-ahead endpoint, and ``resolve(actor, typed)`` → ``(value, label)`` in the actor's
    #: scope, or ``None`` for a value that names nothing there.
    search_url: str = ""
    resolve: Callable[[Actor, str], tuple[str, str] | None] | None = None

    def options(self, actor: Actor) -> Choices:
        return self.choices(actor) if callable(self.choices) else self.choices

    def filter(self, qs: models.QuerySet[M], value: str) -> models.QuerySet[M]:
        if self.apply is not None:
            result: models.QuerySet[M] = self.apply(qs, value)
            return result
        static = () if callable(self.choices) else self.choices
        if static and value not in {str(v) for v, _ in static}:
            return qs
        if self.param_type is int:  # a number column: text or a huge number matches nothing
            try:
                number = int(value)
            except ValueError:
                return qs.none()
            if not -(2**31) <= number < 2**31:
                return qs.none()
            return qs.filter(**{self.lookup: number})
        return qs.filter(**{self.lookup: value})


def year_filter(name: str, label: str, date_field: str, *, years: int = 10) -> Filter:
    """A 年度 filter on a date field (an index-friendly range, not ``__year``)."""

    def choices(actor: Actor) -> Choices:
        this = timezone.localdate().year
        return [(str(y), f"{y}年") for y in range(this, this - years, -1)]

    def apply(qs: models.QuerySet[Any], value: str) -> models.QuerySet[Any]:
        try:
            year = int(value)
            start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        except (ValueError, OverflowError):  # not a number, or no such year
            return qs.none()
        return qs.filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end})

    return Filter(name, label, choices=choices, apply=apply, param_type=int)


def resolve_unit(actor: Actor, typed: str) -> tuple[str, str] | None:
    """The unit of the actor's subtree that ``typed`` names — its code, its full name or its
    short name (in that order; the first in tree order if a name is shared) — as
    ``(code, full name)``; ``None`` if none does. One query."""
    typed = typed.strip()
    if not typed or len(typed) > 100:
        return None
    rank = Case(
        When(code=typed, then=Value(0)),
        When(name=typed, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = (
        units_for(actor)
        .filter(Q(code=typed) | Q(name=typed) | Q(short_name=typed))
        .order_by(rank, "path")
        .values_list("code", "name")
        .first()
    )
    return (found[0], found[1]) if found else None


def unit_filter(name: str, label: str, *path_fields: str) -> Filter:
    """A 单位 filter: rows whose unit (any of ``path_fields``) is in the chosen unit's subtree.

    The value is the unit code (a name or short name typed without JavaScript is resolved to
    it in the actor's subtree by :func:`resolve_unit`). The screen offers a type-ahead picker
    served by ``orgs_unit_search`` instead of a select box of every unit (6,700 at province).
    """

    def apply(qs: models.QuerySet[Any], value: str) -> models.QuerySet[Any]:
        unit_path = OrgUnit.objects.filter(code=value).values_list("path", flat=True).first()
        if unit_path is None:
            return qs.none()
        query = Q()
        for f in path_fields:
            query |= Q(**{f"{f}__startswith": unit_path})
        return qs.filter(query)

    return Filter(name, label, apply=apply, search_url="orgs_unit_search", resolve=resolve_unit)


@dataclass(frozen=True)
class Action:
    """A button on a register page. POST actions are forms; ``confirm`` asks first.
    ``disabled``: the reason the step cannot be taken now (shown next to a disabled button)."""

    label: str
    url: str
    post: bool = False
    confirm: str = ""
    disabled: str = ""


@dataclass(frozen=True)
class Step:
    """An action on one row with a small form (a transition, a reply, a hearing …).

    ``run(actor, obj, data)`` calls the service with the form's ``service_kwargs()``.
    ``confirm`` puts a ``data-confirm`` question on the submit button (irreversible steps).
    ``help`` is a text or a callable of the row (texts that quote the province's rules).

    The step's rules are the service's own functions, never restated here:
    ``blocker(obj, today)`` says why the step cannot be taken now ("" if it can; for a
    transition: the state, then its ``problem``), ``offered(obj)`` whether the screens offer
    it at all for this row (a blocked step that is offered shows disabled with its reason), and
    ``permission(actor, obj)`` raises PermissionDenied for an actor who may not take it (by
    default: whoever may edit the row). :func:`transition_steps` makes them from a workflow.
    """

    name: str
    label: str
    form_class: type[StepForm]
    run: Callable[[Actor, Any, dict[str, Any]], object]
    confirm: str = ""
    help: str | Callable[[Any], str] = ""
    blocker: Callable[[Any, dt.date], str] | None = None
    offered: Callable[[Any], bool] | None = None
    permission: Callable[[Actor, Any], None] | None = None

    def help_for(self, obj: Any) -> str:
        return self.help(obj) if callable(self.help) else self.help

    def reason(self, obj: Any, today: dt.date) -> str:
        return self.blocker(obj, today) if self.blocker is not None else ""


def transition_steps(workflow: Workflow[Any]) -> tuple[Step, ...]:
    """One :class:`Step` per declared transition of ``workflow``: the form page and the API
    call :meth:`Workflow.run`; the button's state and reason come from
    :meth:`Workflow.blocker`, so the rule and its message are the workflow's."""
    return tuple(_transition_step(workflow, t) for t in workflow.transitions)


def _transition_step(workflow: Workflow[Any], t: Transition) -> Step:
    assert t.form_class is not None, f"{t.name}: a transition offered on screen needs a form"
    name = t.name

    def offered(obj: Any) -> bool:
        return workflow.state_allows(obj, name) and (t.offered is None or t.offered(obj))

    def permission(actor: Actor, obj: Any) -> None:
        problem = workflow.permission_problem(actor, obj, name)
        if problem:
            raise PermissionDenied(problem)

    return Step(
        name=name,
        label=t.label,
        form_class=t.form_class,
        run=lambda actor, obj, data: workflow.run(name, actor=actor, obj=obj, **data),
        confirm=t.confirm,
        help=t.help,
        blocker=lambda obj, today: workflow.blocker(obj, name, today),
        offered=offered,
        permission=permission,
    )
