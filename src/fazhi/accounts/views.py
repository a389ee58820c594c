"""Login, logout, the unit switcher, 修改密码 (every user) and 账号管理 (系统管理员)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fazhi.accounts import selectors, services
from fazhi.accounts.forms import (
    AccountCreateForm,
    OwnPasswordForm,
    PasswordResetForm,
    validator_help,
)
from fazhi.accounts.password_middleware import change_reason, safe_next
from fazhi.accounts.passwords import password_state
from fazhi.accounts.views_totp import SecondFactorLoginMixin
from fazhi.core.registers import actor_of
from fazhi.core.security_events import audit_switch
from fazhi.core.views import text_param
from fazhi.orgs.http import actor_on, memberships_on
from fazhi.orgs.middleware import SESSION_KEY
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import units_for


class LoginView(SecondFactorLoginMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@require_POST
@login_required
def switch_unit(request: HttpRequest) -> HttpResponse:
    """Act as another of the user's own memberships (ids of other users' are ignored)."""
    wanted = request.POST.get("membership", "")
    mine = {m.pk: m for m in memberships_on(request)}
    if wanted.isdigit() and int(wanted) in mine:
        request.session[SESSION_KEY] = int(wanted)
        audit_switch(actor=actor_on(request), to=mine[int(wanted)])
        messages.success(request, f"已切换到：{mine[int(wanted)]}")
    else:
        messages.error(request, "无法切换到该岗位")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's field errors on the form's fields (others at the top of the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: any signed-in user, for their own account; they stay signed in."""
    assert isinstance(request.user, User)
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_password_change(
                user=request.user,
                old_password=data["old_password"],
                new_password=data["new_password1"],
                actor=actor_on(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改，下次登录请使用新密码")
            return redirect(safe_next(request))
    context = {"form": form, "title": "修改密码", "rules": validator_help()}
    context["forced"] = change_reason(request)  # 密码策略 (accounts/password_middleware.py)
    return render(request, "accounts/password_change.html", context)


def _manager(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    actor.require(Cap.MANAGE_UNITS)
    return actor


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    """账号管理: the accounts the 系统管理员 manages (see :mod:`fazhi.accounts.selectors`)."""
    actor = _manager(request)
    q, status = text_param(request, "q", 60), request.GET.get("status", "")
    rows = selectors.search_accounts(actor, text=q, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "q": q, "status": status, "query": query.urlencode()}
    return render(request, "accounts/user_list.html", context | {"title": "账号管理"})


def _shown_once(request: HttpRequest, user: User, password: str, created: bool) -> HttpResponse:
    """The temporary password, on the POST's own response (never stored; the views are
    ``never_cache``: no-store)."""
    context = {"account": user, "password": password, "created": created, "title": "临时密码"}
    return render(request, "accounts/password_shown.html", context)


@never_cache
@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    """开设账号: shows the temporary password once; 岗位 are granted by the 安全管理员."""
    actor = _manager(request)
    form = AccountCreateForm(
        request.POST or None, units=units_for(actor), initial={"unit": actor.unit}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password"] or services.temporary_password()
        try:
            user = services.user_create(
                actor=actor,
                username=data["username"],
                full_name=data["full_name"],
                password=password,
                unit=data["unit"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _add_errors(
                form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
            )
        else:
            return _shown_once(request, user, password, created=True)
    context = {"form": form, "title": "开设账号", "rules": validator_help()}
    return render(request, "accounts/user_create.html", context)


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _manager(request)
    account = selectors.account_for(actor, pk)
    context = {
        "account": account,
        "title": f"账号 {account.get_username()}",
        "home_unit": selectors.home_unit(account),
        "protected": selectors.holds_protected_role(account),
        "is_self": actor.user is not None and actor.user.pk == account.pk,
        "password_state": password_state(account),  # 密码策略
    }
    return render(request, "accounts/user_detail.html", context)


@require_POST
@login_required
def account_set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    """停用 / 启用 (the button asks for confirmation first)."""
    actor = _manager(request)
    account = selectors.account_for(actor, pk)
    try:
        services.user_set_active(actor=actor, user=account, active=active)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        done = "启用" if active else "停用"
        messages.success(request, f"已{done}账号 {account.get_username()}")
    return redirect("accounts:user_detail", pk=account.pk)


@never_cache
@login_required
def account_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """重置密码: confirm (and optionally type the temporary password); shown once."""
    actor = _manager(request)
    account = selectors.account_for(actor, pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password = services.user_password_reset(
                actor=actor, user=account, password=form.cleaned_data["password"]
            )
        except (ValidationError, PermissionDenied) as exc:
            _add_errors(
                form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
            )
        else:
            return _shown_once(request, account, password, created=False)
    context = {"form": form, "account": account, "title": "重置密码", "rules": validator_help()}
    return render(request, "accounts/password_reset.html", context)
