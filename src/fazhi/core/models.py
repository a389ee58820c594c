"""Core tables: deadline rules and holiday overrides (rules as data), audit log, record history."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.deadlines import Counting


class BulkJSONField(models.JSONField):
    """A JSONField inserted in bulk with plain ``VALUES`` on PostgreSQL.

    Django 5.2 inserts a ``bulk_create`` through ``UNNEST`` of one array per column; psycopg then
    quotes every element of a ``jsonb[]`` array in Python, about 0.3 ms per audit entry (issue
    15, the import's audit and history rows). A placeholder per value keeps Django on the
    ``VALUES`` path. Stored, read and migrated exactly like ``models.JSONField`` (it
    deconstructs as one)."""

    def get_placeholder(self, value: object, compiler: object, connection: object) -> str:
        return "%s"

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


class CountingChoices(models.TextChoices):
    WORKING = Counting.WORKING.value, "工作日"
    NATURAL = Counting.NATURAL.value, "自然日"


class DeadlineRule(models.Model):
    """A statutory time limit, as data. Loaded from ``core/fixtures/deadline_rules.json``.

    ``region`` is empty for the national rule or a two-digit province code for a
    province's own value (e.g. the 规范性文件备案 period). Rows edited in the admin are
    marked ``locally_modified`` and are not overwritten when a newer fixture is loaded.
    """

    code = models.CharField("规则编码", max_length=64)
    region = models.CharField("适用省份代码", max_length=2, blank=True, default="")
    name = models.CharField("名称", max_length=100)
    law = models.CharField("法律依据", max_length=100)
    article = models.CharField("条款", max_length=40)
    quote = models.TextField("条文摘录", blank=True)
    days = models.PositiveIntegerField("期限天数")
    counting = models.CharField("计算方式", max_length=10, choices=CountingChoices.choices)
    start_event = models.CharField("起算事件", max_length=100)
    extension_days = models.PositiveIntegerField("可延长天数", null=True, blank=True)
    backward = models.BooleanField(
        "向前推算",
        default=False,
        help_text="期限自起算事件向前推算（如行政复议法第五十一条“举行听证的五日前”通知）",
    )
    note = models.TextField("说明", blank=True)
    fixture_version = models.CharField("数据版本", max_length=20, blank=True)
    locally_modified = models.BooleanField("本地已修改", default=False)

    class Meta:
        verbose_name = "法定期限规则"
        verbose_name_plural = "法定期限规则"
        ordering = ["code", "region"]
        constraints = [
            models.UniqueConstraint(fields=["code", "region"], name="uniq_rule_code_region")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def basis(self) -> str:
        return f"《{self.law}》{self.article}"


class CalendarYear(models.Model):
    """A year whose full holiday schedule an administrator has entered as overrides."""

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField("依据", max_length=200, help_text="例如：国办发明电〔2026〕X号")
    complete = models.BooleanField("已完整录入", default=False)

    class Meta:
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """An override of one day: a holiday (rest day) or a 调休 make-up working day."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=40, help_text="例如：春节、国庆节调休上班")

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class AuditEntry(models.Model):
    """One append-only audit record, chained by HMAC-SM3 under a key held outside the database.

    Never updated or deleted: ``save()``/``delete()`` refuse, and database triggers refuse
    UPDATE and DELETE (migration 0005, :mod:`fazhi.core.audit_guard`).

    Scoped by the acting unit's path: an 审计管理员 reads the entries of their subtree
    (command-line entries made for the whole system are visible at the top of the tree).
    """

    scope_path_field: ClassVar[str] = "unit_path"
    scope_includes_system_rows: ClassVar[bool] = True

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField("操作人姓名", max_length=150)
    actor_role = models.CharField("角色", max_length=20, blank=True)
    unit_path = models.CharField("单位路径", max_length=255, db_index=True, default="/")
    unit_code = models.CharField("单位编码", max_length=32, blank=True, db_index=True)
    unit_name = models.CharField("单位", max_length=100, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, db_index=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = BulkJSONField("修改前", null=True, blank=True)
    after = BulkJSONField("修改后", null=True, blank=True)
    source_ip = models.CharField(
        "来源地址", max_length=45, blank=True, default="", help_text="命令行操作无来源地址"
    )
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("审计日志只能追加，不能删除")


class AuditHead(models.Model):
    """Single row holding the chain's last sequence number and hash; locked on append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.last_seq}"


class RecordEvent(models.Model):
    """Business history of one record (the register's 历史 tab), with personal data masked.

    Distinct from the audit log: this is what users in scope see about their records; the
    audit log (all actions, chain verification) is for the 审计管理员 only.
    """

    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象标识", max_length=64)
    at = models.DateTimeField("时间")
    actor_name = models.CharField("操作人", max_length=150)
    unit_name = models.CharField("操作单位", max_length=100, blank=True)
    action = models.CharField("操作", max_length=64)
    summary = models.CharField("摘要", max_length=200, blank=True)
    changes = BulkJSONField("变更字段", default=list)

    class Meta:
        verbose_name = "记录历史"
        verbose_name_plural = "记录历史"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.action}"


class TimelineEvent(models.Model):
    """A dated step on a register record's timeline (受理, 中止, 开庭, 裁判 …), abstract.

    Each register's event model inherits it and adds the foreign key to its record (named
    as the register's :class:`fazhi.core.workflow.Workflow` says, ``case`` by default, with
    ``related_name="events"``). ``on`` is the date of the act itself (what the statute counts
    from), ``at`` when it was recorded. Written by the transition runner; the generic timeline
    (:meth:`fazhi.core.registers.Register.timeline`) merges it with the record's deadlines.
    """

    kind = models.CharField("事项", max_length=40)
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    actor_name = models.CharField("记录人", max_length=150)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
        verbose_name = "案件节点"
        verbose_name_plural = "案件节点"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.kind}"
