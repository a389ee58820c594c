"""The login's second step and binding an authenticator (see :mod:`fazhi.accounts.totp`)."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import verify_token

from fazhi.accounts import totp
from fazhi.accounts.lockout import lockout_response
from fazhi.core.security_events import request_actor
from fazhi.orgs.http import memberships_on

WRONG_CODE = (
    "动态验证码不正确或已过期，请查看身份验证器上当前的 6 位数字重新输入（连续输错后须稍候几秒）。"
)
NOT_ADMIN = "只有系统管理员、安全管理员、审计管理员需要绑定身份验证器"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", "动态验证码是 6 位数字")],
        error_messages={
            "required": "请输入动态验证码",
            "min_length": "动态验证码是 6 位数字",
            "max_length": "动态验证码是 6 位数字",
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class SecondFactorLoginMixin:
    """The password step of :class:`fazhi.accounts.views.LoginView`: an administrator with a
    bound authenticator goes on to the code step instead of being signed in."""

    request: HttpRequest

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if totp.asks_code(user):
            totp.pending_start(self.request, user, self.get_success_url())  # type: ignore[attr-defined]
            return redirect("accounts:totp_verify")
        return super().form_valid(form)  # type: ignore[misc,no-any-return]


def _next(request: HttpRequest, stored: str) -> str:
    if stored and url_has_allowed_host_and_scheme(stored, allowed_hosts={request.get_host()}):
        return stored
    return str(settings.LOGIN_REDIRECT_URL)


@never_cache
def totp_verify(request: HttpRequest) -> HttpResponse:
    """登录第二步: the code of the bound authenticator; only then is the session signed in."""
    pending = totp.pending_user(request)
    if pending is None:
        messages.warning(request, "请先输入用户名和密码")
        return redirect("accounts:login")
    user, step = pending
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        device = totp.confirmed_device(user)
        code = form.cleaned_data["code"]
        if device is not None and verify_token(user, device.persistent_id, code):
            request.session.pop(totp.PENDING_KEY, None)
            auth_login(request, user, backend=str(step["backend"]))
            otp_login(request, device)
            return redirect(_next(request, str(step.get("next", ""))))
        request.fazhi_second_factor_failed = True  # type: ignore[attr-defined]
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request, None, credentials)
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "title": "动态验证码", "account": user}
    return render(request, "accounts/totp_verify.html", context)


@never_cache
@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """绑定身份验证器: administrators only (their own account)."""
    assert isinstance(request.user, User)
    if not totp.is_administrator(request.user, memberships_on(request)):
        raise PermissionDenied(NOT_ADMIN)
    device = totp.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        actor = request_actor(request)
        if totp.totp_confirm(actor=actor, user=request.user, device=device, token=code):
            otp_login(request, device)
            messages.success(request, "已绑定身份验证器；今后登录时，输入密码后还须输入动态验证码")
            return redirect("core:home")
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "title": "身份验证器（双因素认证）",
        "mode": totp.mode(),
        "bound": totp.confirmed_device(request.user),
        "qr": totp.qr_svg(device),
        "secret": totp.secret_text(device),
    }
    return render(request, "accounts/totp_enrol.html", context)
