"""Forms and deadline rows of the generic register layer (re-exported by ``core.registers``).

:class:`StepForm` is the base of every create and step form; :class:`RegisterFormStyle` gives
any form (also a register's ``ModelForm``) the house style: a full-width colon after the label
and the ``required`` class on the labels of required fields (a red "*" in ``app.css``).
:func:`choice_field` is a select that starts empty ("请选择…") so that nothing risky is
pre-selected. :class:`Deadline` is one row of a case's timeline of statutory periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from fazhi.orgs.scoping import Actor

PLEASE_CHOOSE = "请选择…"
LABEL_SUFFIX = "："


class RegisterFormStyle:
    """Mixin for a Django form: "：" after labels, ``class="required"`` on required labels."""

    required_css_class = "required"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", LABEL_SUFFIX)
        super().__init__(*args, **kwargs)


def choice_field(
    label: str,
    choices: Sequence[tuple[str, str]],
    *,
    help_text: str = "",
) -> forms.ChoiceField:
    """A required select that starts on "请选择…": the user must pick, nothing is assumed."""
    return forms.ChoiceField(
        label=label, choices=with_blank(choices), required=True, help_text=help_text
    )


def with_blank(choices: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``choices`` after an empty "请选择…" option."""
    return [("", PLEASE_CHOOSE), *choices]


class StepForm(RegisterFormStyle, forms.Form):
    """Base of create and step forms: knows the actor and the row (None when creating).

    Date fields start at today. Services raise ``ValidationError({"date": …})``; the form's
    ``date_field`` names the field such an error belongs to (see :func:`add_service_error`).
    :attr:`intro` is a sentence shown above the fields (e.g. what a field-less step records).
    """

    date_field: ClassVar[str] = ""

    def __init__(self, *args: Any, actor: Actor, obj: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.obj = obj
        today = timezone.localdate()
        for name, f in self.fields.items():
            if isinstance(f, forms.DateField):
                f.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                if f.required and name not in self.initial:
                    f.initial = today
        self.setup()

    def setup(self) -> None:
        """Hook: limit querysets or choices to what the actor and the row allow."""

    @property
    def intro(self) -> str:
        """Hook: a sentence shown above the form's fields ("" for none)."""
        return ""

    def clean(self) -> dict[str, Any]:
        """An optional field left empty takes its initial value (the service's default), so
        API clients may leave out what the screen pre-selects."""
        data = super().clean() or {}
        for name, f in self.fields.items():
            if not f.required and f.initial is not None and data.get(name) in ("", None):
                data[name] = f.initial
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the keyword arguments of the service."""
        return dict(self.cleaned_data)


@dataclass(frozen=True)
class Deadline:
    """A deadline on a row's timeline: its date, its legal basis, and where it stands.

    ``lapsed`` says what the end of a period that no longer runs meant when nothing was done
    within it (e.g. "届满，依法视为受理"); without it such a period is "未在计算".
    """

    label: str
    due: dt.date | None  # None while the period is paused (e.g. a suspended case)
    basis: str = ""
    done_on: dt.date | None = None
    running: bool = False
    note: str = ""
    lapsed: str = ""

    def overdue(self, today: dt.date) -> bool:
        return self.running and self.done_on is None and self.due is not None and today > self.due

    def state(self, today: dt.date) -> str:
        if self.due is None:
            return "暂停计算"
        if self.done_on is not None:
            late = (self.done_on - self.due).days
            when = f"已于{self.done_on:%Y-%m-%d}办理"
            return f"{when}（超期{late}日）" if late > 0 else f"{when}（按期）"
        if not self.running:
            return self.lapsed or "未在计算"
        left = (self.due - today).days
        if left > 0:
            return f"剩余{left}日"
        return "今日届满" if left == 0 else f"逾期{-left}日"

    def as_dict(self, today: dt.date) -> dict[str, Any]:
        return {
            "label": self.label,
            "due": self.due,
            "basis": self.basis,
            "done_on": self.done_on,
            "running": self.running,
            "overdue": self.overdue(today),
            "state": self.state(today),
            "note": self.note,
        }


def add_service_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, next to the field it names.

    ``{"date": …}`` goes to the form's ``date_field``; keys the form does not have (and
    messages without a key) go to the top of the form.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    aliases = {"date": getattr(form, "date_field", "")}
    for key, errors in exc.error_dict.items():
        target = aliases.get(key) or key
        messages_ = [m for e in errors for m in e.messages]
        form.add_error(target if target in form.fields else None, messages_)


def form_errors(form: forms.BaseForm) -> ValidationError:
    """A form's errors as one ValidationError, each message prefixed by its field label."""
    found: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        found += [f"{label}：{e}" if label else str(e) for e in errors]
    return ValidationError(found)
