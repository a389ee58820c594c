"""Organisation tree and memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from fazhi.orgs.roles import SEPARATED_ADMIN_ROLES, Role

if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager

PATH_SEP = "/"


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府工作部门"
    TOWNSHIP = "township", "乡镇街道"
    PARTY_OFFICE = "party_office", "党委及议事协调机构办公室"
    EXTERNAL = "external", "法院检察院等外部单位"


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def subtree_of(self, unit: OrgUnit) -> OrgUnitQuerySet:
        """The unit and all its descendants (materialised-path prefix match, indexed)."""
        return self.filter(path__startswith=unit.path)

    def ancestors_of(self, unit: OrgUnit) -> OrgUnitQuerySet:
        """The unit's ancestors, root first (not the unit itself)."""
        ids = [int(p) for p in unit.path.strip(PATH_SEP).split(PATH_SEP)[:-1]]
        return self.filter(pk__in=ids).order_by("depth")

    def active(self) -> OrgUnitQuerySet:
        return self.filter(is_active=True)


class OrgUnit(models.Model):
    """A unit of the organisation tree (省 → 市 → 县 → 部门/乡镇).

    ``path`` is the materialised path of primary keys, e.g. ``/1/12/345/``; a subtree is a
    prefix match. Structure changes go through ``orgs.services`` which keeps paths right.
    """

    #: Scoping: for OrgUnit itself the path is on the row.
    scope_path_field: ClassVar[str] = "path"

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("单位类别", max_length=20, choices=UnitKind.choices)
    level = models.CharField("层级", max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField("深度", default=0, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    province_code = models.CharField(
        "省级区划代码",
        max_length=2,
        blank=True,
        help_text="用于按省配置的规则（如规范性文件备案期限），可为空表示继承上级",
    )
    is_reconsideration_body = models.BooleanField(
        "行政复议机构",
        default=False,
        help_text="办理行政复议事项的机构（通常是本级司法行政部门），只有它能登记行政复议案件",
    )
    demonstration_area = models.CharField(
        "示范地区称号",
        max_length=100,
        blank=True,
        help_text="如“第二批全国法治政府建设示范地区”；有称号的地区须于每年1月底前报送上一年度情况",
    )
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    if TYPE_CHECKING:
        children: RelatedManager[OrgUnit]

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "level"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip(PATH_SEP).split(PATH_SEP)[:-1]]


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, unit__is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role in a unit. A user acts within the subtree of the membership's unit."""

    scope_path_field: ClassVar[str] = "unit__path"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("授予时间", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位角色"
        verbose_name_plural = "岗位角色"
        ordering = ["unit__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="uniq_membership"),
            # 三员分立, enforced by the database too: one active admin-role membership per user.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_active=True, role__in=sorted(SEPARATED_ADMIN_ROLES)),
                name="one_separated_admin_role_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.display_name} · {self.get_role_display()}"
