"""The REST API under /api/v1/ (OpenAPI schema at /api/v1/openapi.json)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from fazhi.core.api import router as core_router
from fazhi.core.api_auth import ActorSessionAuth, TokenAuth
from fazhi.litigation.api import router as litigation_router
from fazhi.metrics.api import router as metrics_router
from fazhi.orgs.api import router as orgs_router
from fazhi.reconsideration.api import router as reconsideration_router
from fazhi.reports.api import router as reports_router

api = NinjaAPI(
    title="法治政府建设综合管理平台 API",
    version="1",
    auth=[TokenAuth(), ActorSessionAuth()],
    urls_namespace="api",
)
api.add_router("/core", core_router)
api.add_router("/orgs", orgs_router)
api.add_router("/metrics", metrics_router)
api.add_router("/reconsideration", reconsideration_router)
api.add_router("/litigation", litigation_router)
api.add_router("/reports", reports_router)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权限"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "记录不存在或不在您的管辖范围内"}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=422)
