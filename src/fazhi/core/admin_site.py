"""The admin site (规则维护): open to the 系统管理员 role, not to Django's is_staff flag."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from fazhi.orgs.http import actor_on
from fazhi.orgs.roles import Cap

DENIED = "规则维护只对最上级单位的系统管理员开放。您当前的岗位无权访问，请从首页办理本岗位的事项。"


class FazhiAdminSite(admin.AdminSite):
    site_header = "法治政府建设综合管理平台 · 规则维护"
    site_title = "规则维护"
    index_title = "规则数据"

    def has_permission(self, request: HttpRequest) -> bool:
        actor = actor_on(request)
        return bool(
            request.user.is_active
            and actor is not None
            and actor.can(Cap.MANAGE_UNITS)
            and actor.at_top  # rules and holidays are shared by the whole tree
        )

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One login page for everyone: the platform's own (the role, not is_staff, decides).

        A signed-in user who may not use the admin gets the 403 page: sending them to the
        platform's login would send them straight back here (it skips the form for a
        signed-in user), a loop between two login pages.
        """
        from django.contrib.auth.views import redirect_to_login  # needs the app registry

        if request.user.is_authenticated:
            raise PermissionDenied(DENIED)
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))


class FazhiAdminConfig(AdminConfig):
    default_site = "fazhi.core.admin_site.FazhiAdminSite"
