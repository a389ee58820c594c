"""Metric definitions: every figure the platform shows is computed from one of these rows.

A definition is data, not code. It names a source model, the path to the unit whose subtree
the record counts for, the date field that puts a record in a period, and declarative JSON
filters (see :mod:`fazhi.metrics.engine`). A definition changes from a given year by closing
the old row (``valid_to_year``) and adding a new one (``valid_from_year``), so figures of past
years keep the rule they were computed under.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Aggregation(models.TextChoices):
    COUNT = "count", "计数"
    SUM = "sum", "求和"
    RATIO = "ratio", "比率（百分比）"
    AVG = "avg", "平均值"


class MetricDefinition(models.Model):
    """One version of a metric, valid from ``valid_from_year`` to ``valid_to_year`` (inclusive).

    Loaded from ``metrics/fixtures/metric_definitions.json`` after each ``migrate``; rows
    edited in the admin are marked ``locally_modified`` and are not overwritten by the fixture.
    """

    code = models.CharField("指标编码", max_length=100, db_index=True)
    name = models.CharField("指标名称", max_length=100)
    description = models.TextField("口径说明与依据", blank=True)
    group = models.CharField("分组", max_length=40, help_text="例如：行政复议、行政应诉")
    sort_order = models.PositiveIntegerField(
        "排序", default=0, help_text="全系统统一排序，分组按其第一个指标的位置显示"
    )
    source = models.CharField(
        "数据来源", max_length=100, help_text="模型标识，如 reconsideration.ReconsiderationCase"
    )
    unit_field = models.CharField(
        "归属单位字段", max_length=100, help_text="从来源记录到单位的路径，如 unit、case__unit"
    )
    period_field = models.CharField(
        "期间日期字段", max_length=100, help_text="决定记录属于哪个统计期间的日期，如 closed_on"
    )
    base_filter = models.JSONField("基础条件", default=dict, blank=True)
    numerator_filter = models.JSONField("分子条件", default=dict, blank=True)
    denominator_filter = models.JSONField("分母条件", default=dict, blank=True)
    aggregation = models.CharField("计算方式", max_length=10, choices=Aggregation.choices)
    value_field = models.CharField(
        "数值字段", max_length=100, blank=True, help_text="求和、平均值所用的数值字段"
    )
    display_unit = models.CharField("计量单位", max_length=8, blank=True, help_text="件、人、%、天")
    decimals = models.PositiveSmallIntegerField(
        "小数位数", default=0, validators=[MaxValueValidator(6)]
    )
    valid_from_year = models.PositiveSmallIntegerField(
        "起用年份", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    valid_to_year = models.PositiveSmallIntegerField(
        "停用年份",
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="含该年；为空表示一直有效",
    )
    fixture_version = models.CharField("数据版本", max_length=20, blank=True)
    locally_modified = models.BooleanField("本地已修改", default=False)

    class Meta:
        verbose_name = "统计指标定义"
        verbose_name_plural = "统计指标定义"
        ordering = ["sort_order", "code", "valid_from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from_year"], name="uniq_metric_code_from_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}（{self.version_label}）"

    @property
    def version(self) -> int:
        """The version of a definition is the year it is valid from."""
        return self.valid_from_year

    @property
    def version_label(self) -> str:
        end = f"{self.valid_to_year}年" if self.valid_to_year else "今"
        return f"{self.valid_from_year}年至{end}"

    def valid_in(self, year: int) -> bool:
        return self.valid_from_year <= year and (
            self.valid_to_year is None or year <= self.valid_to_year
        )

    def clean(self) -> None:
        from fazhi.metrics.engine import DefinitionError, validate_definition
        from fazhi.metrics.selectors import overlapping_version

        for attr in ("base_filter", "numerator_filter", "denominator_filter"):
            if getattr(self, attr) is None:  # an empty JSON box in the admin form
                setattr(self, attr, {})
        try:
            validate_definition(self)
        except DefinitionError as exc:
            raise ValidationError(str(exc)) from None
        other = overlapping_version(self)
        if other is not None:
            raise ValidationError(
                f"指标定义 {self.code}：有效年份与已有版本（{other.version_label}）重叠，"
                "请先设置原版本的停用年份"
            )
