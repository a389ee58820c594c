"""API tokens for machine clients (only the SM3 digest of a token is stored), the profile of
an account opened from the UI, and the hashes of each account's recent passwords."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

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
    #: set at issue from FAZHI_TOKEN_DAYS; null: never expires (FAZHI_TOKEN_DAYS = 0)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.CharField("吊销人", max_length=150, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def status(self) -> str:
        """有效 / 已过期 / 已吊销 (as the tokens page shows it)."""
        if self.revoked:
            return "已吊销"
        return "已过期" if self.is_expired() else "有效"


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


class PasswordHistory(models.Model):
    """One password an account has had: its hash (never the password), when it was set and
    whether it was a temporary one (set by the 系统管理员 when opening the account from the UI
    or resetting it). The newest row (highest id) is the current password: its age drives expiry
    (FAZHI_PASSWORD_MAX_AGE_DAYS) and ``temporary`` the forced change at the next login; the
    newest FAZHI_PASSWORD_HISTORY rows may not be chosen again (:mod:`fazhi.accounts.passwords`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间", default=timezone.now)
    temporary = models.BooleanField("临时密码（须在下次登录时修改）", default=False)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
