"""Generic register views: list (filters, search, pagination, Excel export), detail, edit, history.

A register is configured, not copied: subclass :class:`Register`, name the model, columns,
filters, the form and the service that saves, and include ``MyRegister().urls()``. Every
query goes through :func:`fazhi.orgs.scoping.visible_to`, so the list, the detail, the edit
form, the history tab and the export all show the actor's subtree only.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from fazhi.core.audit import field_label
from fazhi.core.selectors import history_of
from fazhi.core.services import object_type_of
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, get_visible_or_404, visible_to

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Column:
    """A list column: a field name (dotted for relations) or a callable, and its header."""

    name: str
    label: str
    value: Callable[[Any], object] | None = None
    link: bool = False

    def render(self, obj: Any) -> object:
        if self.value is not None:
            return self.value(obj)
        value: Any = obj
        for part in self.name.split("."):
            display = getattr(value, f"get_{part}_display", None)
            value = display() if callable(display) else getattr(value, part, None)
            if value is None:
                return ""
        return value


@dataclass(frozen=True)
class Filter:
    """A list filter: a GET parameter applied as ``lookup``; choices make it a select box."""

    name: str
    label: str
    lookup: str
    choices: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass(frozen=True)
class Action:
    """A button on a register page. POST actions are forms; ``confirm`` asks first."""

    label: str
    url: str
    post: bool = False
    confirm: str = ""


def actor_of(request: HttpRequest) -> Actor:
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None:
        raise PermissionDenied("您的账号尚未分配岗位，请联系安全管理员")
    return actor


class Register(Generic[M]):
    """Configuration of one register's screens. Subclass and set the class attributes."""

    key: ClassVar[str]  # URL name prefix, e.g. "units"
    title: ClassVar[str]
    model: type[M]
    columns: ClassVar[Sequence[Column]] = ()
    filters: ClassVar[Sequence[Filter]] = ()
    search_fields: ClassVar[Sequence[str]] = ()
    detail_fields: ClassVar[Sequence[str]] = ()
    form_class: ClassVar[type[forms.ModelForm[Any]] | None] = None
    view_cap: ClassVar[Cap] = Cap.VIEW_RECORDS
    ordering: ClassVar[Sequence[str]] = ()

    # --- hooks a register overrides -------------------------------------------------------
    def base_queryset(self) -> models.QuerySet[M]:
        return self.model._default_manager.all()

    def can_edit(self, actor: Actor, obj: M) -> bool:
        return actor.can(Cap.EDIT_RECORDS)

    def list_actions(self, actor: Actor) -> list[Action]:
        """Buttons above the list (e.g. 新增)."""
        return []

    def detail_actions(self, actor: Actor, obj: M) -> list[Action]:
        """Buttons on the detail page (e.g. 撤销)."""
        return []

    def save(self, actor: Actor, obj: M, data: dict[str, Any]) -> M:
        """Persist the edit form's cleaned data through the register's service."""
        raise NotImplementedError

    # --- queries ----------------------------------------------------------------------------
    def queryset(self, actor: Actor) -> models.QuerySet[M]:
        qs = visible_to(self.base_queryset(), actor)
        return qs.order_by(*self.ordering) if self.ordering else qs

    def filtered(self, actor: Actor, params: Any) -> models.QuerySet[M]:
        qs = self.queryset(actor)
        for flt in self.filters:
            value = params.get(flt.name, "").strip()
            if value:
                qs = qs.filter(**{flt.lookup: value})
        term = params.get("q", "").strip()
        if term and self.search_fields:
            query = Q()
            for name in self.search_fields:
                query |= Q(**{f"{name}__icontains": term})
            qs = qs.filter(query)
        return qs

    def get_object(self, actor: Actor, pk: int) -> M:
        return get_visible_or_404(self.base_queryset(), actor, pk=pk)

    def url(self, view: str, obj: M | None = None) -> str:
        return reverse(f"{self.key}_{view}", args=[obj.pk] if obj is not None else [])

    # --- views ------------------------------------------------------------------------------
    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {"register": self, "title": self.title, **extra}

    def list_view(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        actor.require(self.view_cap)
        qs = self.filtered(actor, request.GET)
        page = Paginator(qs, settings.FAZHI_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(obj, [(c.render(obj), c.link) for c in self.columns]) for obj in page.object_list]
        filters = [(f, request.GET.get(f.name, "")) for f in self.filters]
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "core/register/list.html",
            self._context(
                request,
                page=page,
                rows=rows,
                filters=filters,
                actions=self.list_actions(actor),
                params=request.GET,
                query=query.urlencode(),
            ),
        )

    def detail_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        actor.require(self.view_cap)
        obj = self.get_object(actor, pk)
        fields = [
            (field_label(self.model, n), Column(n, "").render(obj)) for n in self.detail_fields
        ]
        return render(
            request,
            "core/register/detail.html",
            self._context(
                request,
                obj=obj,
                fields=fields,
                can_edit=self.can_edit(actor, obj),
                actions=self.detail_actions(actor, obj),
                tab="detail",
            ),
        )

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        obj = self.get_object(actor, pk)
        if self.form_class is None or not self.can_edit(actor, obj):
            raise PermissionDenied(f"当前角色“{actor.role_label}”不能修改此记录")
        form = self.form_class(request.POST or None, instance=obj)
        if request.method == "POST" and form.is_valid():
            try:
                self.save(actor, obj, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "已保存")
                return redirect(self.url("detail", obj))
        return render(
            request,
            "core/register/edit.html",
            self._context(request, obj=obj, form=form, tab="edit"),
        )

    def history_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        actor.require(self.view_cap)
        obj = self.get_object(actor, pk)
        events = history_of(object_type_of(obj), str(obj.pk))
        return render(
            request,
            "core/register/history.html",
            self._context(request, obj=obj, events=events, tab="history"),
        )

    def export_view(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        actor.require(self.view_cap)
        content = self.export_xlsx(self.filtered(actor, request.GET))
        stamp = timezone.localdate().strftime("%Y%m%d")
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{self.key}-{stamp}.xlsx"; '
            f"filename*=UTF-8''{self.key}-{stamp}.xlsx"
        )
        return response

    def export_xlsx(self, qs: models.QuerySet[M]) -> bytes:
        """The rows of ``qs`` (already scoped) as an .xlsx workbook with Chinese headers."""
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(self.title[:31])
        sheet.append([c.label for c in self.columns])
        for obj in qs.iterator(chunk_size=2000):
            sheet.append([_cell(c.render(obj)) for c in self.columns])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def urls(self) -> list[URLPattern]:
        wrap = login_required
        return [
            path(f"{self.key}/", wrap(self.list_view), name=f"{self.key}_list"),
            path(f"{self.key}/export.xlsx", wrap(self.export_view), name=f"{self.key}_export"),
            path(f"{self.key}/<int:pk>/", wrap(self.detail_view), name=f"{self.key}_detail"),
            path(f"{self.key}/<int:pk>/edit/", wrap(self.edit_view), name=f"{self.key}_edit"),
            path(
                f"{self.key}/<int:pk>/history/", wrap(self.history_view), name=f"{self.key}_history"
            ),
        ]


def _cell(value: object) -> object:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)
