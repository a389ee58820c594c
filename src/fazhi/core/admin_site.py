"""The admin site (规则维护): open to the 系统管理员 role, not to Django's is_staff flag."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from fazhi.orgs.roles import Cap


class FazhiAdminSite(admin.AdminSite):
    site_header = "法治政府建设综合管理平台 · 规则维护"
    site_title = "规则维护"
    index_title = "规则数据"

    def has_permission(self, request: HttpRequest) -> bool:
        actor = getattr(request, "actor", None)
        return bool(request.user.is_active and actor is not None and actor.can(Cap.MANAGE_UNITS))


class FazhiAdminConfig(AdminConfig):
    default_site = "fazhi.core.admin_site.FazhiAdminSite"
