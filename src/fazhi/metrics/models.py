"""Metric definitions: every figure the platform shows is computed from one of these rows.

A definition is data, not code. It names a source model, the path to the unit whose subtree
the record counts for, the date field that puts a record in a period, and declarative JSON
filters (see :mod:`fazhi.metrics.engine`). A definition changes from a given year by closing
the old row (``valid_to_year``) and adding a new one (``valid_from_year``), so figures of past
years keep the rule they were computed under.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.orgs.slots import MAX_DEPTH, UnitSlots


class Aggregation(models.TextChoices):
    COUNT = "count", "计数"
    SUM = "sum", "求和"
    RATIO = "ratio", "比率（百分比）"
    AVG = "avg", "平均值"


class MetricDefinition(models.Model):
    """One version of a metric, valid from ``valid_from_year`` to ``valid_to_year`` (inclusive).

    Loaded after each ``migrate`` from the register apps' fixtures (each kit's
    ``metric_fixture``, e.g. ``reconsideration/fixtures/metrics.json``); rows edited in the
    admin are marked ``locally_modified`` and are not overwritten by the fixture.
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


class MetricFact(UnitSlots):
    """Monthly partial sums of one definition for the records attached to one unit.

    A cache, never entered by hand: ``num`` and ``den`` are exactly the engine's numerator and
    denominator aggregates (see :func:`fazhi.metrics.engine.aggregates`) over the source records
    whose ``unit_field`` is ``unit`` and whose ``period_field`` falls in ``month``. Rows with
    ``rollup`` sum those of a county-level unit's whole subtree (``unit`` at depth
    ``ROLLUP_DEPTH``, or a shallower unit's own rows), so a province or city reads a hundred
    rows per month instead of thousands. Counts and
    sums are additive, so a subtree's figure for whole months is a ``SUM`` over a few hundred
    fact rows instead of a scan of every register row (see :mod:`fazhi.metrics.facts`). Kept
    right on every write to a source record; rebuilt when a definition changes; the drill-down
    lists always read the registers themselves.
    """

    # ``definition`` leads the unique key, and ``unit_d1``…``unit_d4`` lead the (slot, month)
    # indexes below: no single-column index of their own (a bulk ingest's batch updates some
    # 10⁵ fact rows, each index costs on every one).
    definition = models.ForeignKey(
        MetricDefinition,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="指标定义",
        db_index=False,
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name="归属单位"
    )
    month = models.DateField("月份", help_text="该月1日")
    unit_d1 = models.PositiveBigIntegerField("单位层级1", null=True, blank=True, editable=False)
    unit_d2 = models.PositiveBigIntegerField("单位层级2", null=True, blank=True, editable=False)
    unit_d3 = models.PositiveBigIntegerField("单位层级3", null=True, blank=True, editable=False)
    unit_d4 = models.PositiveBigIntegerField("单位层级4", null=True, blank=True, editable=False)
    rollup = models.BooleanField(
        "县级汇总",
        default=False,
        help_text="是：归属单位为县级（第三层）及以上单位，汇总其整个下级；否：只含本单位的记录",
    )
    num = models.DecimalField("分子合计", max_digits=24, decimal_places=6, default=0)
    den = models.BigIntegerField("分母合计", default=0)

    tree_slots: ClassVar[dict[str, str]] = {"unit_d": "unit"}

    class Meta:
        verbose_name = "统计指标月度汇总"
        verbose_name_plural = "统计指标月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "rollup", "unit", "month"], name="uniq_metric_fact_key"
            )
        ]
        indexes = [
            models.Index(fields=["rollup", "definition", "month"], name="metric_fact_rollup"),
        ] + [
            models.Index(fields=[f"unit_d{depth}", "month"], name=f"metric_fact_d{depth}_month")
            for depth in range(1, MAX_DEPTH)
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.unit_id} {self.month:%Y-%m}"


class MetricFactState(models.Model):
    """Marks a definition whose :class:`MetricFact` rows are complete (built and maintained).

    Without this row the engine computes the definition from the registers alone.
    """

    definition = models.OneToOneField(
        MetricDefinition, on_delete=models.CASCADE, related_name="fact_state", primary_key=True
    )
    built_at = models.DateTimeField("汇总时间")
    rows = models.PositiveIntegerField("汇总行数", default=0)

    class Meta:
        verbose_name = "统计指标汇总状态"
        verbose_name_plural = "统计指标汇总状态"

    def __str__(self) -> str:
        return f"{self.definition_id} @ {self.built_at:%Y-%m-%d %H:%M}"
