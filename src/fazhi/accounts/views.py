"""Login, logout and the unit switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fazhi.orgs.http import memberships_on
from fazhi.orgs.middleware import SESSION_KEY


class LoginView(auth_views.LoginView):
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
        messages.success(request, f"已切换到：{mine[int(wanted)]}")
    else:
        messages.error(request, "无法切换到该岗位")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
