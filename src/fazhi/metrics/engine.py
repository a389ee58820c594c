"""The metric engine: definitions (data) → Q objects and SQL aggregates → rounded values.

No queries run here; :mod:`fazhi.metrics.selectors` executes what this module builds.

**Filter language.** ``base_filter``, ``numerator_filter`` and ``denominator_filter`` are JSON
objects whose keys are Django field lookups on the source model and whose values are JSON
scalars, or lists for ``__in`` and ``__range``::

    {"status": "closed", "outcome__in": ["vary", "annul"], "closed_on_time": true,
     "not": {"outcome": "terminated"}, "any": [{"is_loss": true}, {"result": "other"}]}

All keys must hold (AND); ``"not"`` negates a nested object, ``"any"`` is a list of nested
objects of which at least one must hold (OR). Relations are followed forwards only
(``case__status``), never through a one-to-many relation, so no row is counted twice — except
to ask whether a related row exists: ``{"litigation_cases__isnull": true}`` (no 应诉 case links
to the 复议 case) is compiled to ``NOT EXISTS (…)``, a subquery that adds no row.

**Value field.** Sums and averages read ``value_field``: one numeric field, or a difference or
sum of numeric fields such as ``"handling_days - suspended_days"`` (records where any term is
empty are left out).

**Record sets** for a unit's subtree and a period (``period_field`` within the period):

- population = base ∧ denominator_filter (ratio only) — the denominator of a ratio;
- numerator = population ∧ numerator_filter (and ``value_field`` not null for sum/avg).

``count`` → number of numerator records; ``sum`` → Σ ``value_field``; ``avg`` → Σ ÷ number of
records averaged (numerator Σ, denominator the count); ``ratio`` → numerator ÷ population ×
100, a percentage. Values are rounded half-up to ``decimals``; a ratio or average over no
records is None, shown as "—".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from django.apps import apps
from django.core.exceptions import (
    EmptyResultSet,
    FieldDoesNotExist,
    FieldError,
    FullResultSet,
    ValidationError,
)
from django.db import models
from django.db.models import Aggregate, Count, Exists, F, OuterRef, Q, Sum

from fazhi.metrics.models import Aggregation
from fazhi.metrics.periods import Period
from fazhi.orgs.slots import MAX_DEPTH, slot_lookup

if TYPE_CHECKING:
    from fazhi.metrics.models import MetricDefinition
    from fazhi.orgs.models import OrgUnit

NOT, ANY = "not", "any"
NUMERATOR, DENOMINATOR = "numerator", "denominator"
PARTS = (NUMERATOR, DENOMINATOR)
EMPTY = "—"

_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_TERM = re.compile(r"\s*([+-])\s*")
_LIST_LOOKUPS = ("in", "range")
_FILTER_LABELS = {
    "base_filter": "基础条件",
    "numerator_filter": "分子条件",
    "denominator_filter": "分母条件",
}
_NUMERIC = (models.IntegerField, models.DecimalField, models.FloatField)


class DefinitionError(ValueError):
    """A metric definition that cannot be computed; the message names the definition and field."""


# --- filters -----------------------------------------------------------------------------------
def reverse_exists(model: type[models.Model] | None, key: str) -> tuple[Any, str] | None:
    """(related model, its foreign key's name) when ``key`` asks whether a row of a one-to-many
    relation exists (``<relation>__isnull``), else None."""
    name, _, lookup = key.partition("__")
    if model is None or lookup != "isnull":
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not (field.one_to_many and field.auto_created and not field.concrete):
        return None
    remote = getattr(field, "field", None)
    if remote is None or not isinstance(field.related_model, type):
        return None
    return field.related_model, remote.name


def compile_filter(spec: Mapping[str, Any] | None, model: type[models.Model] | None = None) -> Q:
    """The Q object of a declarative filter (assumed valid, see :func:`validate_definition`).

    With the source ``model``, an existence test on a one-to-many relation becomes an
    ``EXISTS`` subquery (no join, so nothing is counted twice)."""
    query = Q()
    for key, value in (spec or {}).items():
        if key == NOT:
            query &= ~compile_filter(value, model)
        elif key == ANY:
            alternatives = Q()
            for item in value:
                alternatives |= compile_filter(item, model)
            query &= alternatives
        elif (found := reverse_exists(model, key)) is not None:
            related, fk = found
            exists = Exists(related._default_manager.filter(**{fk: OuterRef("pk")}))
            query &= Q(~exists) if value else Q(exists)
        else:
            query &= Q(**{key: value})
    return query


def _model_of(definition: MetricDefinition) -> type[models.Model] | None:
    try:
        return source_model(definition.source)
    except DefinitionError:
        return None


def value_terms(value_field: str) -> list[tuple[int, str]]:
    """The (sign, field path) terms of a value field: ``"a - b"`` → [(1, "a"), (-1, "b")]."""
    parts = _TERM.split(value_field.strip())
    terms = [(1, parts[0])]
    terms += [
        (-1 if sign == "-" else 1, path)
        for sign, path in zip(parts[1::2], parts[2::2], strict=True)
    ]
    return [(sign, path.strip()) for sign, path in terms]


def value_expression(value_field: str) -> Any:
    """The SQL expression of a value field (a field, or a sum/difference of fields)."""
    expression: Any = None
    for sign, path in value_terms(value_field):
        term = F(path)
        if expression is None:
            expression = term if sign > 0 else -term
        else:
            expression = expression + term if sign > 0 else expression - term
    return expression


def period_q(definition: MetricDefinition, period: Period) -> Q:
    """Records whose ``period_field`` falls within ``period`` (both ends included)."""
    field = definition.period_field
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def unit_q(definition: MetricDefinition, unit: OrgUnit) -> Q:
    """Records that belong to ``unit``'s subtree through ``unit_field``.

    Uses the row's denormalised ancestor id at the unit's depth (one indexed equality, see
    :mod:`fazhi.orgs.slots`) when the source model has slots for ``unit_field``; else the path.
    """
    column = slot_column(definition, unit.depth)
    if column is not None:
        return Q(**{column: unit.pk})
    return Q(**{f"{definition.unit_field}__path__startswith": unit.path})


def slot_column(definition: MetricDefinition, depth: int) -> str | None:
    """The source model's slot column for ``unit_field`` at ``depth``, if there is one."""
    if depth >= MAX_DEPTH:
        return None
    prefix = slot_lookup(source_model(definition.source), definition.unit_field)
    return f"{prefix}{depth}" if prefix is not None else None


def population_q(definition: MetricDefinition, period: Period | None) -> Q:
    """The population of a ratio (else the base records); ``period=None``: every period."""
    model = _model_of(definition)
    query = compile_filter(definition.base_filter, model)
    if period is not None:
        query &= period_q(definition, period)
    if definition.aggregation == Aggregation.RATIO:
        query &= compile_filter(definition.denominator_filter, model)
    return query


def numerator_q(definition: MetricDefinition, period: Period | None) -> Q:
    model = _model_of(definition)
    query = population_q(definition, period) & compile_filter(definition.numerator_filter, model)
    if definition.aggregation in (Aggregation.SUM, Aggregation.AVG):
        for _, path in value_terms(definition.value_field):
            query &= Q(**{f"{path}__isnull": False})
    return query


def has_part(definition: MetricDefinition, part: str) -> bool:
    """Whether the metric has a numerator / denominator to drill into."""
    if part == NUMERATOR:
        return True
    return part == DENOMINATOR and definition.aggregation in (Aggregation.RATIO, Aggregation.AVG)


def records_q(definition: MetricDefinition, period: Period, part: str) -> Q:
    """The records behind the numerator or the denominator (the drill-down list)."""
    if not has_part(definition, part):
        raise ValueError(f"指标“{definition.name}”没有{'分母' if part == DENOMINATOR else part}")
    if part == DENOMINATOR and definition.aggregation == Aggregation.RATIO:
        return population_q(definition, period)
    return numerator_q(definition, period)


# --- aggregation -------------------------------------------------------------------------------
def aggregates(
    definition: MetricDefinition, period: Period | None, alias: str
) -> dict[str, Aggregate]:
    """SQL aggregates computing one metric; keys start with ``alias`` (see :func:`evaluate`).

    ``period=None`` leaves out the period condition (the caller groups by period instead).
    """
    numerator = numerator_q(definition, period)
    if definition.aggregation == Aggregation.COUNT:
        return {f"{alias}_n": Count("pk", filter=numerator)}
    if definition.aggregation == Aggregation.RATIO:
        return {
            f"{alias}_n": Count("pk", filter=numerator),
            f"{alias}_d": Count("pk", filter=population_q(definition, period)),
        }
    return {
        f"{alias}_n": Sum(value_expression(definition.value_field), filter=numerator),
        f"{alias}_d": Count("pk", filter=numerator),
    }


class Figures(NamedTuple):
    """The rounded value of one metric with the numerator and denominator it came from."""

    value: Decimal | None
    numerator: int | Decimal
    denominator: int | None


#: (numerator sum, denominator sum) → :class:`Figures`, for one definition (see :func:`evaluator`).
Evaluator = Callable[[Any, Any], Figures]

_tuple = tuple.__new__


def evaluate(definition: MetricDefinition, row: Mapping[str, Any], alias: str) -> Figures:
    """Turn the aggregate results of :func:`aggregates` into the rounded value."""
    num = row[f"{alias}_n"]
    den = None if definition.aggregation == Aggregation.COUNT else row[f"{alias}_d"]
    return evaluator(definition)(num, den)


def evaluator(definition: MetricDefinition) -> Evaluator:
    """:func:`evaluate` of one definition as a function of its two sums (``…_n``, ``…_d``),
    with the aggregation and the rounding step looked up once — a breakdown evaluates
    thousands of figures (issue 15).

    count → (n, n, None); ratio → (n × 100 ÷ d, n, d), None when d is 0; sum → (Σ, Σ, None);
    avg → (Σ ÷ count, Σ, count), None when count is 0. Rounded half-up to ``decimals``."""
    agg = definition.aggregation
    step = Decimal(1).scaleb(-definition.decimals)
    half_up = ROUND_HALF_UP

    if agg == Aggregation.COUNT:

        def count(num: Any, den: Any) -> Figures:
            n = int(num or 0)
            return _tuple(Figures, (Decimal(n).quantize(step, rounding=half_up), n, None))

        return count
    if agg == Aggregation.RATIO:

        def ratio(num: Any, den: Any) -> Figures:
            n, d = int(num or 0), int(den or 0)
            value = (Decimal(n) * 100 / Decimal(d)).quantize(step, rounding=half_up) if d else None
            return _tuple(Figures, (value, n, d))

        return ratio
    if agg == Aggregation.SUM:

        def total(num: Any, den: Any) -> Figures:
            found = _decimal(num)
            return _tuple(Figures, (found.quantize(step, rounding=half_up), found, None))

        return total

    def average(num: Any, den: Any) -> Figures:
        found, n = _decimal(num), int(den or 0)
        value = (found / n).quantize(step, rounding=half_up) if n else None
        return _tuple(Figures, (value, found, n))

    return average


def rounded(value: Decimal, places: int) -> Decimal:
    """Round half-up (四舍五入) to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


# --- results -----------------------------------------------------------------------------------
class _MetricFields(NamedTuple):
    definition: MetricDefinition
    unit: OrgUnit
    period: Period
    value: Decimal | None
    numerator: int | Decimal
    denominator: int | None


class MetricValue(_MetricFields):
    """One metric for one unit's subtree and one period, with its provenance and drill links.

    The drill links (``numerator_url``, ``denominator_url``: the records behind the figure)
    are built when first read, not for every value of a breakdown (issue 15: "every county"
    spent most of its time formatting links nobody displayed).

    An immutable record of six fields, built like a tuple (``metric_value``: one allocation;
    every county builds 15,000 values) and otherwise behaving like the frozen dataclass it was:
    fields read-only, equal only to a ``MetricValue`` with equal fields, hashable, not ordered.
    No ``__slots__``: the drill links are cached in the instance's ``__dict__``."""

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return tuple.__eq__(self, other)
        return False if isinstance(other, tuple) else NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = tuple.__hash__

    def _unordered(self, other: object) -> Any:
        return NotImplemented  # as the dataclass: no <, <=, >, >= (a TypeError)

    __lt__ = __le__ = __gt__ = __ge__ = _unordered

    @classmethod
    def of(
        cls,
        definition: MetricDefinition,
        unit: OrgUnit,
        period: Period,
        figures: Figures,
    ) -> MetricValue:
        """The value of ``figures`` (see :func:`metric_value`)."""
        return metric_value(definition, unit, period, figures)

    @cached_property
    def numerator_url(self) -> str:
        from fazhi.metrics.selectors import drill_url

        return drill_url(self.definition, self.unit, self.period, NUMERATOR)

    @cached_property
    def denominator_url(self) -> str:
        from fazhi.metrics.selectors import drill_url

        if not has_part(self.definition, DENOMINATOR):
            return ""
        return drill_url(self.definition, self.unit, self.period, DENOMINATOR)

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def group(self) -> str:
        return self.definition.group

    @property
    def version(self) -> int:
        return self.definition.version

    @property
    def display_unit(self) -> str:
        return self.definition.display_unit

    @property
    def display(self) -> str:
        """The value with its unit, e.g. 18.3%, 142件; "—" when there is nothing to divide by."""
        if self.value is None:
            return EMPTY
        return f"{self.value}{self.display_unit}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's ``--json`` and the API)."""
        return {
            "code": self.code,
            "name": self.name,
            "group": self.group,
            "value": plain_number(self.value),
            "display": self.display,
            "unit": self.display_unit,
            "numerator": plain_number(self.numerator),
            "denominator": self.denominator,
            "version": self.version,
            "period": self.period.key,
            "period_label": self.period.label,
            "org_unit": self.unit.code,
        }


def metric_value(
    definition: MetricDefinition, unit: OrgUnit, period: Period, figures: Figures
) -> MetricValue:
    """``MetricValue(definition, unit, period, *figures)`` in one allocation."""
    # concatenation: measured faster than unpacking (*figures) into the display
    made: MetricValue = _tuple(MetricValue, (definition, unit, period) + figures)  # noqa: RUF005
    return made


def plain_number(value: Decimal | int | None) -> int | float | None:
    """A Decimal as int when whole, else float (for JSON)."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


# --- validation --------------------------------------------------------------------------------
def source_model(label: str) -> type[models.Model]:
    """The model named by a definition's ``source`` (``app_label.ModelName``)."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        raise DefinitionError(f"数据来源“{label}”不是已安装的模型") from None


def validate_definition(definition: MetricDefinition) -> None:
    """Raise :class:`DefinitionError` (Chinese, naming the definition and the field) unless the
    definition can be computed: known source, unit path to OrgUnit, date period field,
    numeric value field where needed, and filters made only of valid lookups."""
    where = f"指标定义 {definition.code or '（未填编码）'}"
    if definition.valid_from_year:
        where += f"（{definition.valid_from_year}年起）"
    try:
        _validate(definition)
    except DefinitionError as exc:
        raise DefinitionError(f"{where}：{exc}") from None


def _validate(d: MetricDefinition) -> None:
    if not _CODE.match(d.code or ""):
        raise DefinitionError("编码应为小写英文点分形式，如 reconsideration.correction_rate")
    if d.aggregation not in Aggregation.values:
        raise DefinitionError(f"计算方式“{d.aggregation}”无效，可选：{'、'.join(Aggregation)}")
    if d.valid_to_year is not None and d.valid_to_year < d.valid_from_year:
        raise DefinitionError("停用年份早于起用年份")
    model = source_model(d.source)
    if getattr(model, "scope_path_field", None) is None:
        raise DefinitionError(f"数据来源“{d.source}”未声明单位范围（scope_path_field）")
    _check_unit_field(model, d.unit_field)
    _check_period_field(model, d.period_field)
    _check_value_field(model, d)
    if d.aggregation != Aggregation.RATIO and d.denominator_filter:
        raise DefinitionError("只有比率指标使用分母条件")
    for attr, label in _FILTER_LABELS.items():
        spec = getattr(d, attr)
        if not isinstance(spec, dict):
            raise DefinitionError(f"{label}应为 JSON 对象")
        _check_filter(model, spec, label)


@dataclass(frozen=True)
class ValueLabel:
    """The Chinese name of a computed value field (``办理天数 − 中止天数``)."""

    verbose_name: str


def field_at(model: type[models.Model], path: str) -> Any:
    """The model field at the end of a ``a__b`` path (for its Chinese ``verbose_name``); for a
    computed value field (``a - b``), a :class:`ValueLabel` naming its terms."""
    terms = value_terms(path)
    if len(terms) > 1:
        names = [str(_walk(model, p, "字段")[0].verbose_name) for _, p in terms]
        text = names[0] + "".join(
            f"{'−' if sign < 0 else '＋'}{name}"
            for (sign, _), name in zip(terms[1:], names[1:], strict=True)
        )
        return ValueLabel(text)
    field, _ = _walk(model, path, "字段")
    return field


def _walk(model: type[models.Model], path: str, label: str) -> tuple[Any, list[str]]:
    """Follow ``path`` through forward relations: (last field, remaining lookup parts)."""
    parts, current, field = path.split("__"), model, None
    if not path:
        raise DefinitionError(f"{label}不能为空")
    for i, part in enumerate(parts):
        try:
            found = current._meta.get_field(part)
        except FieldDoesNotExist:
            if field is None:
                raise DefinitionError(
                    f"{label}“{path}”无效：{current.__name__} 没有字段“{part}”"
                ) from None
            return field, parts[i:]
        if found.many_to_many or found.one_to_many:
            raise DefinitionError(f"{label}“{path}”无效：不能经多值关联“{part}”取数（会重复计数）")
        field = found
        if not found.is_relation or not isinstance(found.related_model, type):
            return found, parts[i + 1 :]
        current = found.related_model
    return field, []


def _check_unit_field(model: type[models.Model], path: str) -> None:
    from fazhi.orgs.models import OrgUnit

    field, rest = _walk(model, path, "归属单位字段")
    if rest or not field.is_relation or field.related_model is not OrgUnit:
        raise DefinitionError(f"归属单位字段“{path}”无效：应指向单位（OrgUnit）")


def _check_period_field(model: type[models.Model], path: str) -> None:
    field, rest = _walk(model, path, "期间日期字段")
    if rest or not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
        raise DefinitionError(f"期间日期字段“{path}”无效：应为日期字段")


def _check_value_field(model: type[models.Model], d: MetricDefinition) -> None:
    if d.aggregation in (Aggregation.COUNT, Aggregation.RATIO):
        if d.value_field:
            raise DefinitionError("计数和比率指标不使用数值字段")
        return
    if not d.value_field:
        raise DefinitionError("求和、平均值指标需要填写数值字段")
    for _, path in value_terms(d.value_field):
        if not path:
            raise DefinitionError(f"数值字段“{d.value_field}”无效：加减号两边都应是字段")
        field, rest = _walk(model, path, "数值字段")
        if rest or not isinstance(field, _NUMERIC):
            raise DefinitionError(f"数值字段“{d.value_field}”无效：“{path}”应为数值字段")


def _check_filter(model: type[models.Model], spec: Mapping[str, Any], label: str) -> None:
    for key, value in spec.items():
        if key == NOT:
            if not isinstance(value, dict) or not value:
                raise DefinitionError(f"{label}中的“not”应为非空 JSON 对象")
            _check_filter(model, value, label)
        elif key == ANY:
            if not isinstance(value, list) or not value:
                raise DefinitionError(f"{label}中的“any”应为非空列表")
            for item in value:
                if not isinstance(item, dict) or not item:
                    raise DefinitionError(f"{label}中“any”的每一项应为非空 JSON 对象")
                _check_filter(model, item, label)
        else:
            _check_lookup(model, key, value, label)


def _check_lookup(model: type[models.Model], key: str, value: Any, label: str) -> None:
    if reverse_exists(model, key) is not None:
        if not isinstance(value, bool):
            raise DefinitionError(f"{label}中“{key}”的取值应为 true 或 false")
        return
    _walk(model, key, f"{label}中的字段")
    lookup = key.rsplit("__", 1)[-1]
    wants_list = lookup in _LIST_LOOKUPS
    if isinstance(value, dict):
        raise DefinitionError(f"{label}中“{key}”的取值不能是对象")
    if wants_list != isinstance(value, list):
        need = "列表" if wants_list else "单个值（列表只用于 __in、__range）"
        raise DefinitionError(f"{label}中“{key}”的取值应为{need}")
    if lookup == "range" and len(value) != 2:
        raise DefinitionError(f"{label}中“{key}”的取值应为两个元素的列表")
    try:
        model._default_manager.filter(**{key: value}).query.sql_with_params()
    except (EmptyResultSet, FullResultSet):
        pass  # valid, if trivially empty or full (e.g. an empty __in list)
    except (FieldError, ValidationError, ValueError, TypeError) as exc:
        raise DefinitionError(f"{label}中的“{key}”无效：{_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)
