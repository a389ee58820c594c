"""API tokens for machine clients. Only the SM3 digest of a token is stored."""

from __future__ import annotations

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
