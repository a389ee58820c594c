"""Annual reports on 法治政府建设 (《法治政府建设与责任落实督察工作规定》, 厅字〔2019〕28号).

One ``AnnualReport`` per unit and year covered, with its five mandated parts (``ReportPart``)
and the figures it states (``ReportFigure``), each frozen with its provenance: metric code,
definition version, when it was computed and the drill-down to the records. The part texts
refer to figures by token (``{{reconsideration.received}}``), so a figure is entered once and a
refresh changes it everywhere it is used.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse


class ReportState(models.TextChoices):
    """The step a report waits for (the labels say so: "公开" alone would read as done)."""

    DRAFTING = "drafting", "起草中"
    SECRECY = "secrecy", "待保密审查"
    DELIBERATION = "deliberation", "待审议"
    SUBMISSION = "submission", "待报送"
    PUBLICATION = "publication", "待公开"
    PUBLISHED = "published", "已公开"


#: The workflow's steps as the progress bar names them.
STEPS: tuple[tuple[str, str], ...] = (
    (ReportState.DRAFTING, "起草"),
    (ReportState.SECRECY, "保密审查"),
    (ReportState.DELIBERATION, "审议"),
    (ReportState.SUBMISSION, "报送"),
    (ReportState.PUBLICATION, "公开"),
)


#: state → states a service may move it to (returns go back to 起草).
TRANSITIONS: dict[str, frozenset[str]] = {
    ReportState.DRAFTING: frozenset({ReportState.SECRECY}),
    ReportState.SECRECY: frozenset({ReportState.DELIBERATION, ReportState.DRAFTING}),
    ReportState.DELIBERATION: frozenset({ReportState.SUBMISSION, ReportState.DRAFTING}),
    # After 审议 a report can still go back (e.g. a prompt found in a report drafted before
    # prompts were marked): it is then reviewed and adopted again.
    ReportState.SUBMISSION: frozenset({ReportState.PUBLICATION, ReportState.DRAFTING}),
    ReportState.PUBLICATION: frozenset({ReportState.PUBLISHED, ReportState.DRAFTING}),
    ReportState.PUBLISHED: frozenset(),
}

#: The five parts required by the 规定 (domain.md §1.2), in their usual order.
PART_NUMBERS = (1, 2, 3, 4, 5)


class AnnualReport(models.Model):
    scope_path_field: ClassVar[str] = "unit__path"

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="annual_reports", verbose_name="单位"
    )
    year = models.PositiveSmallIntegerField("报告年度", help_text="报告所述的年度（上一年度）")
    kind = models.CharField("报告模板", max_length=20, help_text="government / department …")
    title = models.CharField("标题", max_length=200)
    preamble = models.TextField("导语", blank=True)
    state = models.CharField(
        "状态", max_length=20, choices=ReportState.choices, default=ReportState.DRAFTING
    )
    revision = models.PositiveIntegerField("修订号", default=1)
    rules_version = models.CharField("规则版本", max_length=20, blank=True)
    figures_at = models.DateTimeField("数据提取时间", null=True, blank=True)
    name_units = models.BooleanField(
        "列出未按期完成任务的单位",
        default=False,
        help_text="生成“存在的不足和原因”时是否点名逾期单位；默认不点名（报告要向社会公开）",
    )

    secrecy_reviewer = models.CharField("保密审查人（机构）", max_length=100, blank=True)
    secrecy_on = models.DateField("保密审查日期", null=True, blank=True)
    secrecy_opinion = models.TextField("保密审查意见", blank=True)
    meeting = models.CharField("审议会议", max_length=100, blank=True)
    meeting_on = models.DateField("审议日期", null=True, blank=True)
    submitted_on = models.DateField("报送日期", null=True, blank=True, db_index=True)
    recipients = models.JSONField("报送单位", default=list, blank=True)
    copy_to = models.JSONField("抄送单位", default=list, blank=True)
    published_on = models.DateField("公开日期", null=True, blank=True, db_index=True)
    publish_url = models.URLField("公开网址", max_length=300, blank=True)
    return_reason = models.TextField("退回原因", blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.CharField("起草人", max_length=60, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "法治政府建设年度报告"
        verbose_name_plural = "法治政府建设年度报告"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_report_per_unit_year"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.state == ReportState.PUBLISHED


class ReportPart(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField("部分")
    heading = models.CharField("标题", max_length=100)
    body = models.TextField("正文", blank=True)

    class Meta:
        verbose_name = "报告部分"
        verbose_name_plural = "报告部分"
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_part_per_number"),
        ]

    def __str__(self) -> str:
        return self.heading


class ReportFigure(models.Model):
    """A metric's value for the report's unit and year, frozen when the draft was made or its
    figures were last refreshed."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="figures")
    code = models.CharField("指标编码", max_length=100)
    name = models.CharField("指标名称", max_length=100)
    group = models.CharField("分组", max_length=40, blank=True)
    version = models.PositiveIntegerField("口径版本")
    value = models.DecimalField("数值", max_digits=20, decimal_places=6, null=True, blank=True)
    display = models.CharField("显示", max_length=40)
    display_unit = models.CharField("计量单位", max_length=8, blank=True)
    numerator = models.DecimalField("分子", max_digits=20, decimal_places=6)
    denominator = models.BigIntegerField("分母", null=True, blank=True)
    period = models.CharField("期间", max_length=40)
    computed_at = models.DateTimeField("计算时间")
    drill_url = models.CharField("明细链接", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "报告数据"
        verbose_name_plural = "报告数据"
        ordering = ["report", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="one_figure_per_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.display}"
