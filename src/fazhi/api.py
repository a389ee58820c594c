"""The REST API under /api/v1/ (OpenAPI schema at /api/v1/openapi.json): core's router, then
every app's kit (``api_prefix`` + ``api``), in kit order."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as ParamsInvalid

from fazhi.core.api import router as core_router
from fazhi.core.api_auth import ActorSessionAuth, TokenAuth
from fazhi.core.api_docs import docs_access
from fazhi.core.api_errors import ERROR_TEXT, BodyInvalid, validation_detail
from fazhi.core.kit import AppKit, kits, resolve
from fazhi.core.security_events import audit_denied

api = NinjaAPI(
    title="法治政府建设综合管理平台 API",
    version="1",
    auth=[TokenAuth(), ActorSessionAuth()],
    urls_namespace="api",
    docs_decorator=docs_access,  # /api/v1/docs and openapi.json: login in production
)


def kit_router(kit: AppKit) -> Router:
    """The kit's router: ``api`` names a ``Router`` or a zero-argument callable returning one."""
    found = resolve(kit.api)
    router = found if isinstance(found, Router) else found()
    if not isinstance(router, Router):
        raise TypeError(f"{kit.app} 的 kit.api（{kit.api}）不是 ninja Router")
    return router


api.add_router("/core", core_router)
for _kit in kits():
    if _kit.api:
        api.add_router(_kit.api_prefix, kit_router(_kit))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    audit_denied(request, exc)  # 安全事件审计: API refusals too
    return api.create_response(request, {"detail": str(exc) or "无权限"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "记录不存在或不在您的管辖范围内"}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=422)


# API hardening (issue 14): every error is {"detail": …} in Chinese, naming the field.
@api.exception_handler(ParamsInvalid)
def _params_invalid(request: HttpRequest, exc: ParamsInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


@api.exception_handler(BodyInvalid)
def _body_invalid(request: HttpRequest, exc: BodyInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    text = ERROR_TEXT[401] if exc.message == "Unauthorized" else exc.message
    return api.create_response(request, {"detail": text}, status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    english = {"Cannot parse request body": ERROR_TEXT[400]}  # ninja's own texts
    text = english.get(exc.message, exc.message)
    return api.create_response(request, {"detail": text}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "请求体过大"}, status=400)
