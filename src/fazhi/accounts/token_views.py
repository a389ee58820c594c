"""接口令牌 pages: the tokens one may see (one's own; a 安全管理员's subtree) and 吊销."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fazhi.accounts import selectors, services
from fazhi.orgs.http import actor_on
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """接口令牌: own tokens for everyone; the subtree's for the 安全管理员."""
    actor = actor_on(request)
    rows = selectors.tokens_for(_user(request), actor)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "title": "接口令牌",
        "manager": actor is not None and actor.can(Cap.MANAGE_ROLES),
        "token_days": settings.FAZHI_TOKEN_DAYS,
    }
    return render(request, "accounts/token_list.html", context)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """吊销 (the button asks for confirmation first): the owner, or the 安全管理员 in scope."""
    user = _user(request)
    actor = actor_on(request)
    token = selectors.token_for(user, actor, pk)
    acting: Actor = actor if actor is not None else services.account_actor(user)
    try:
        services.token_revoke(actor=acting, token=token)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已吊销接口令牌“{token.name}”（{token.prefix}…），即刻失效")
    return redirect("accounts:token_list")
