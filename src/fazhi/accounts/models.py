"""API tokens for machine clients. Only the SM3 digest of a token is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.orgs.models import Membership


class ApiToken(models.Model):
    """A bearer token bound to one membership: the API acts as that membership, same scope."""

    membership = models.ForeignKey(
        Membership, verbose_name="岗位角色", on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField("用途", max_length=60)
    prefix = models.CharField("前缀", max_length=8)
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AccountProfile(models.Model):
    """What the platform keeps about a login account beyond Django's user: the unit it was
    opened for (the 系统管理员 of that unit's tree manages it before any 岗位 is granted).

    One row per account opened from the 账号管理 pages; accounts made otherwise (command line,
    older data) have none and are placed by their memberships alone.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="account_profile",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("开设时间", auto_now_add=True)
    created_by = models.CharField("开设人", max_length=150, blank=True)

    class Meta:
        verbose_name = "账号信息"
        verbose_name_plural = "账号信息"

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.unit.name}）"
