"""API authentication: bearer tokens bound to a membership, or the browser session."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from fazhi.orgs.http import actor_on, as_actor_request
from fazhi.orgs.scoping import Actor


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from fazhi.accounts.models import ApiToken
        from fazhi.accounts.services import token_digest

        row = (
            ApiToken.objects.select_related("membership__unit", "membership__user")
            .filter(
                digest=token_digest(token),
                revoked=False,
                membership__is_active=True,
                membership__unit__is_active=True,
                membership__user__is_active=True,
            )
            .first()
        )
        if row is None:
            return None
        if row.is_expired():  # FAZHI_TOKEN_DAYS (accounts/README.md 接口令牌)
            raise AuthenticationError(message="令牌已过期，请联系安全管理员重新签发")
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        as_actor_request(request).actor = Actor.for_membership(row.membership)
        return row


class ActorSessionAuth(SessionAuth):
    """The signed-in browser session, acting as its chosen membership (CSRF checked)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or actor_on(request) is None:
            return None
        from fazhi.accounts.password_middleware import change_reason

        reason = change_reason(request)  # 密码策略: a temporary or expired password
        if reason:
            raise AuthorizationError(message=reason)
        return user


def actor_of(request: HttpRequest) -> Actor:
    """The actor an authenticator of this API attached (every endpoint requires one)."""
    actor = actor_on(request)
    if actor is None:
        raise PermissionDenied("您的账号尚未分配岗位，请联系安全管理员")
    return actor
