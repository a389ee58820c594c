"""Forms and deadline rows of the generic register layer (re-exported by ``core.registers``).

:class:`StepForm` is the base of every create and step form; :class:`RegisterFormStyle` gives
any form (also a register's ``ModelForm``) the house style: a full-width colon after the label
and the ``required`` class on the labels of required fields (a red "*" in ``app.css``).
:func:`choice_field` is a select that starts empty ("请选择…") so that nothing risky is
pre-selected. :class:`Deadline` is one row of a case's timeline of statutory periods.

Implausible input (:mod:`fazhi.core.validators`), checked by :class:`RegisterFormStyle` for
every register form by the names of its fields: a ``…_id_number`` must be a valid 公民身份号码
(or, for an organisation, a 统一社会信用代码), a ``…_phone`` a mobile or landline number; a
received / intake date (``received_on``, ``…_received_on``, ``filed_on``, or the form's
:attr:`RegisterFormStyle.plausible_date_fields`) before 2000 or more than a year ago is
accepted only when the user ticks “我已核对日期无误” (:data:`CONFIRM_DATES`, also an API field);
free text without its own limit is cut at :data:`TEXT_MAX_LENGTH` / :data:`LINE_MAX_LENGTH`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from fazhi.core import validators as v
from fazhi.orgs.scoping import Actor

PLEASE_CHOOSE = "请选择…"
LABEL_SUFFIX = "："
#: Longest multi-line free text (申请事项, 说明, 整改情况 …) a form accepts, and longest
#: one-line text without a limit of its own (names). Database columns are not limited.
TEXT_MAX_LENGTH = 5000
LINE_MAX_LENGTH = 200
#: The check box that confirms an implausible date, shown once such a date was entered.
CONFIRM_DATES = "confirm_dates"
CONFIRM_LABEL = "我已核对日期无误"

if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class RegisterFormStyle(_FormBase):
    """Mixin for a Django form: "：" after labels, ``class="required"`` on required labels,
    and the checks of implausible input (see the module docstring).

    ``plausible_date_fields`` names the date fields asked to be confirmed when implausible;
    None (the default) means every received / intake date field of the form
    (:func:`fazhi.core.validators.is_intake_date_field`), ``()`` none.
    """

    required_css_class = "required"
    plausible_date_fields: ClassVar[Sequence[str] | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", LABEL_SUFFIX)
        super().__init__(*args, **kwargs)
        limit_text_lengths(self.fields)
        if self.is_bound and CONFIRM_DATES in self.data and self.checked_dates():
            self.fields[CONFIRM_DATES] = _confirm_field()

    def checked_dates(self) -> list[str]:
        """The date fields checked for plausibility."""
        if self.plausible_date_fields is not None:
            return [n for n in self.plausible_date_fields if n in self.fields]
        return [
            name
            for name, f in self.fields.items()
            if isinstance(f, forms.DateField) and v.is_intake_date_field(name)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_personal(data)
        self._check_dates(data)
        data.pop(CONFIRM_DATES, None)
        return data

    def _check_personal(self, data: dict[str, Any]) -> None:
        """ID numbers and phone numbers: by the field's name, empty values left alone."""
        today = timezone.localdate()
        for name in list(data):
            value = data[name]
            if not isinstance(value, str) or not value.strip():
                continue
            if v.is_id_number_field(name):
                kind = str(data.get(v.kind_field_of(name)) or "")
                problem = v.id_number_problem(value, kind=kind, today=today)
                normal = v.normalise_id_number(value)
            elif v.is_phone_field(name):
                problem, normal = v.phone_problem(value), v.normalise_phone(value)
            else:
                continue
            if problem:
                self.add_error(name, problem)
            else:
                data[name] = normal

    def _check_dates(self, data: dict[str, Any]) -> None:
        """An implausible received date is an error until the user confirms it."""
        if data.get(CONFIRM_DATES):
            return
        today = timezone.localdate()
        for name in self.checked_dates():
            value = data.get(name)
            problem = v.implausible_date(value, today) if isinstance(value, dt.date) else ""
            if problem:
                self.fields[CONFIRM_DATES] = _confirm_field()
                self.add_error(
                    name, f"{problem}，请核对；确属此日期的，请勾选“{CONFIRM_LABEL}”后再次提交"
                )


def _confirm_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=CONFIRM_LABEL,
        required=False,
        help_text="收到日期早于2000年或距今超过一年时需要确认",
    )


def limit_text_lengths(fields: dict[str, forms.Field]) -> None:
    """Give free-text fields without a limit of their own a maximum length (checked on the
    server, and ``maxlength`` in the browser): :data:`TEXT_MAX_LENGTH` for a text area,
    :data:`LINE_MAX_LENGTH` for one line."""
    for f in fields.values():
        if type(f) is not forms.CharField or f.max_length is not None:
            continue
        multi = isinstance(f.widget, forms.Textarea)
        f.max_length = TEXT_MAX_LENGTH if multi else LINE_MAX_LENGTH
        f.validators.append(MaxLengthValidator(f.max_length))
        f.widget.attrs["maxlength"] = str(f.max_length)


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
