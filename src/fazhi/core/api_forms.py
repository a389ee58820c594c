"""Request-body schemas of the API, generated from the Django forms that validate them.

A register's create form and each step's form are the one place where a field's type,
length, choices and required-ness are declared; :func:`form_body` turns a form class into a
pydantic model with the same fields, typed and bounded, so that the OpenAPI schema documents
every body (no free-form objects, ``additionalProperties: false``) and a body is checked before
the form runs. The form still decides (choices limited to the caller, dates against today,
the workflow's rules): the schema only refuses what no form could accept.

Field mapping (form field → JSON):

* ``CharField`` → string, ``maxLength`` the field's (or the forms' default for free text,
  :data:`fazhi.core.register_forms.TEXT_MAX_LENGTH` / ``LINE_MAX_LENGTH``), ``minLength`` 1
  when required;
* ``DateField`` → string, ``format: date`` (YYYY-MM-DD);
* ``ChoiceField`` → one of the choices' values (an integer is read as its text);
* ``TypedChoiceField`` of 是/否 and ``BooleanField`` → boolean;
* ``IntegerField`` → integer within the field's bounds (else a 32-bit integer);
* ``DecimalField`` → number within the field's bounds (e.g. 学时 2.5);
* ``ModelChoiceField`` → the unit code (``to_field_name``, its column's length) or the row's
  id (1 … 2^63−1);
* ``confirm_dates`` (boolean) on a form with received / intake dates (see
  :class:`fazhi.core.register_forms.RegisterFormStyle`).

An optional field also accepts ``null`` (and an optional choice ``""``), meaning "not given".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from django import forms
from pydantic import BeforeValidator, ConfigDict, Field, create_model

from fazhi.core import validators as v
from fazhi.core.api_errors import MAX_ID, NO_NUL
from fazhi.core.register_forms import (
    CONFIRM_DATES,
    CONFIRM_LABEL,
    LINE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    RegisterFormStyle,
)

#: Bounds of an integer field that declares none (a 32-bit column holds it).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

_FORBID = ConfigDict(extra="forbid")
#: The values of a 是/否 choice (``TypedChoiceField`` coerced to a boolean).
YES_NO = {True, False}


def _as_text(value: Any) -> Any:
    """A JSON number given for a choice whose values are texts ("6" for 6)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _choice_values(field: forms.ChoiceField) -> list[Any]:
    values: list[Any] = []
    choices: Any = field.choices
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # an option group
            values += [v for v, _ in label]
        else:
            values.append(value)
    return [value for value in values if value not in ("", None)]


def _field_type(name: str, field: forms.Field, bounds: Mapping[str, tuple[int, int]]) -> Any:
    """The annotation and the ``Field`` keyword arguments of one form field."""
    if isinstance(field, forms.ModelChoiceField):
        key = field.to_field_name
        if key and field.queryset is not None:
            column = field.queryset.model._meta.get_field(key)
            longest = getattr(column, "max_length", None) or LINE_MAX_LENGTH
            return str, {"max_length": longest, "pattern": NO_NUL}
        return int, {"ge": 1, "le": MAX_ID}
    if isinstance(field, forms.TypedChoiceField) and set(_choice_values(field)) <= YES_NO:
        return bool, {}
    if isinstance(field, forms.ChoiceField):
        values = tuple(str(value) for value in _choice_values(field))
        if not values:
            raise TypeError(f"表单字段 {name} 没有可选值")
        return Annotated[Literal[values], BeforeValidator(_as_text)], {}
    if isinstance(field, forms.BooleanField):
        return bool, {}
    if isinstance(field, forms.DateField):
        return dt.date, {}
    if isinstance(field, forms.DecimalField):  # before IntegerField, its base class
        # a JSON number (the form turns it into a Decimal and checks its places); bounded
        ends = (("ge", field.min_value), ("le", field.max_value))
        found = {key: float(value) for key, value in ends if value is not None}
        return float, {"ge": -1e15, "le": 1e15, **found}
    if isinstance(field, forms.IntegerField):
        low, high = bounds.get(name, (field.min_value, field.max_value))
        return int, {
            "ge": INT_MIN if low is None else low,
            "le": INT_MAX if high is None else high,
        }
    if type(field) is forms.CharField:
        if field.max_length is not None:
            longest = field.max_length
        elif isinstance(field.widget, forms.Textarea):
            longest = TEXT_MAX_LENGTH
        else:
            longest = LINE_MAX_LENGTH
        limits: dict[str, Any] = {"max_length": longest}
        if field.required:
            limits["min_length"] = 1
        return str, limits
    raise TypeError(f"表单字段 {name}（{type(field).__name__}）没有对应的 API 类型")


def _has_checked_dates(form_class: type[forms.BaseForm]) -> bool:
    if not issubclass(form_class, RegisterFormStyle):
        return False
    named = form_class.plausible_date_fields
    if named is not None:
        return bool(named)
    return any(
        isinstance(f, forms.DateField) and v.is_intake_date_field(n)
        for n, f in _fields_of(form_class).items()
    )


def _fields_of(form_class: type[Any]) -> dict[str, forms.Field]:
    """A form class's declared fields (``base_fields``, set by Django's form metaclass)."""
    fields: dict[str, forms.Field] = form_class.base_fields
    return fields


def form_body(
    model_name: str,
    form_class: type[forms.BaseForm],
    *,
    bounds: Mapping[str, tuple[int, int]] | None = None,
) -> type[Any]:
    """A pydantic model of ``form_class``'s fields (see the module docstring); ``bounds``
    overrides an integer field's range by name."""
    fields: dict[str, Any] = {}
    for name, field in _fields_of(form_class).items():
        annotation, limits = _field_type(name, field, bounds or {})
        plain = annotation
        if limits:
            annotation = Annotated[annotation, Field(**limits)]
        label = str(field.label or name)
        help_text = str(field.help_text or "")
        meta: dict[str, Any] = {"title": label, "description": help_text or None}
        if field.required:
            fields[name] = (annotation, Field(..., **meta))
        else:
            optional: Any = annotation | None
            if plain in (int, float) or (
                isinstance(field, forms.ChoiceField)
                and not isinstance(field, forms.ModelChoiceField)
                and plain is not bool
            ):  # "" for "none chosen", as the form reads it
                optional = annotation | Literal[""] | None
            fields[name] = (optional, Field(None, **meta))
    if _has_checked_dates(form_class):
        fields[CONFIRM_DATES] = (
            bool | None,
            Field(
                None,
                title=CONFIRM_LABEL,
                description="收到日期早于2000年或距今超过一年时，核对无误后填 true 再次提交",
            ),
        )
    model: type[Any] = create_model(model_name, __config__=_FORBID, **fields)
    return model


def form_data(body: Any) -> dict[str, Any]:
    """A validated body as the form's data: the fields given, ``null`` left out."""
    data: dict[str, Any] = body.model_dump(exclude_none=True)
    return data
