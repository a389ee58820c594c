"""Generic register views: list (filters, search, pagination, Excel export), detail, edit, history.

A register is configured, not copied: subclass :class:`Register`, name the model, columns,
filters, the form and the service that saves, and include ``MyRegister().urls()``. Every
query goes through :func:`fazhi.orgs.scoping.visible_to`, so the list, the detail, the edit
form, the history tab and the export all show the actor's subtree only.

Optional parts, switched on by configuration: a 登记 (create) page (``create_form_class`` and
:meth:`Register.create`), one small form page per state transition or other action on a row
(``steps``, see :class:`Step`), and extra detail-page content (``detail_template`` extending
``core/register/detail.html`` and :meth:`Register.detail_context`, e.g. a timeline of
:class:`Deadline` rows). The same steps and create form validate API requests
(:meth:`Register.perform`, :meth:`Register.create_from`), so the UI and the API share one path.

Hooks a register may override where a screen depends on who looks: :meth:`Register.list_columns`,
:meth:`Register.detail_rows_for`, :meth:`Register.edit_form` (an edit form that needs the
actor) and :meth:`Register.create_unavailable` (why nothing can be registered). The forms and
:class:`Deadline` live in :mod:`fazhi.core.register_forms` and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, get_resolver, path, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeData

from fazhi.core.audit import field_label
from fazhi.core.crypto import blind_index, phone_digits
from fazhi.core.paging import BoundedPaginator
from fazhi.core.register_forms import (
    Deadline,
    RegisterFormStyle,
    StepForm,
    add_service_error,
    choice_field,
    form_errors,
)
from fazhi.core.register_parts import (
    Action,
    Column,
    Filter,
    Step,
    display_value,
    transition_steps,
    unit_filter,
    year_filter,
)
from fazhi.core.search_terms import TOKEN_PARAM, recalled_term, redirect_query
from fazhi.core.security_events import audit_download, export_action
from fazhi.core.selectors import history_of
from fazhi.core.services import audit_append, object_type_of
from fazhi.orgs.http import actor_on
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, get_visible_or_404, visible_to

M = TypeVar("M", bound=models.Model)

#: The audit action of a handler's view of unmasked personal data (:func:`audit_unmasked_view`).
PERSONAL_VIEW_ACTION = "personal_data.view"

__all__ = [
    "Action",
    "Column",
    "Deadline",
    "Filter",
    "Register",
    "RegisterFormStyle",
    "Step",
    "StepForm",
    "actor_of",
    "add_service_error",
    "app_export_xlsx",
    "choice_field",
    "display_value",
    "form_errors",
    "import_action",
    "register_named",
    "transition_steps",
    "unit_filter",
    "year_filter",
]


def import_action(register_key: str) -> list[Action]:
    """The 导入Excel button for a register, once the import page (``core:register_import``)
    exists; an empty list otherwise."""
    try:
        return [Action("导入Excel", reverse("core:register_import", args=[register_key]))]
    except NoReverseMatch:
        return []


def app_export_xlsx(module: str, qs: models.QuerySet[Any]) -> bytes | None:
    """A register's own Excel layout (``module.export_xlsx(qs)``) if that module exists."""
    try:
        excel = importlib.import_module(module)
    except ImportError:
        return None
    content: bytes = excel.export_xlsx(qs)
    return content


#: register key → the register whose ``urls()`` are mounted (filled as the URLconf loads)
_REGISTERS: dict[str, Register[Any]] = {}


def register_named(key: str) -> Register[Any]:
    """The mounted register whose URL names start with ``key`` (a background export finds
    it again by the key stored on its job); LookupError if there is none."""
    if key not in _REGISTERS:
        get_resolver().url_patterns  # noqa: B018 — loading the URLconf mounts every register
    try:
        return _REGISTERS[key]
    except KeyError:
        raise LookupError(f"没有这个台账：{key}") from None


def actor_of(request: HttpRequest) -> Actor:
    actor = actor_on(request)
    if actor is None:
        raise PermissionDenied("您的账号尚未分配岗位，请联系安全管理员")
    return actor


class Register(Generic[M]):
    """Configuration of one register's screens. Subclass and set the class attributes."""

    key: ClassVar[str]  # URL name prefix, e.g. "units"
    url_prefix: ClassVar[str] = ""  # URL path segment when it differs from ``key``
    title: ClassVar[str]
    model: type[M]
    columns: ClassVar[Sequence[Column]] = ()
    filters: ClassVar[Sequence[Filter]] = ()
    search_fields: ClassVar[Sequence[str]] = ()
    search_placeholder: ClassVar[str] = ""  # what the 关键词 box searches, e.g. "案号、法院"
    #: Digest fields (:func:`fazhi.core.crypto.blind_index`) the search term is matched against
    #: exactly, e.g. ``("applicant_index",)``: a full name or ID number finds the row although
    #: it is stored encrypted. A register that declares them takes its search term by POST and
    #: keeps it in the session (:mod:`fazhi.core.search_terms`), so it never appears in a URL.
    blind_search_fields: ClassVar[Sequence[str]] = ()
    #: Personal fields (``Column(..., personal=True)`` in ``detail_fields``) shown in full on
    #: the detail page to the row's handler (:meth:`Register.is_handler`), each such view
    #: audited; masked for everyone else and in lists, exports, history and the audit log.
    handler_unmasked: ClassVar[Sequence[str]] = ()
    detail_fields: ClassVar[Sequence[str | Column]] = ()
    form_class: ClassVar[type[forms.ModelForm[Any]] | None] = None
    view_cap: ClassVar[Cap] = Cap.VIEW_RECORDS
    ordering: ClassVar[Sequence[str]] = ()
    detail_template: ClassVar[str] = "core/register/detail.html"
    create_form_class: ClassVar[type[StepForm] | None] = None
    create_label: ClassVar[str] = "登记"
    steps: ClassVar[Sequence[Step]] = ()

    # --- hooks a register overrides -------------------------------------------------------
    def base_queryset(self) -> models.QuerySet[M]:
        return self.model._default_manager.all()

    def can_edit(self, actor: Actor, obj: M) -> bool:
        return actor.can(Cap.EDIT_RECORDS)

    def list_actions(self, actor: Actor) -> list[Action]:
        """Buttons above the list (e.g. 新增)."""
        return []

    def list_columns(self, actor: Actor) -> Sequence[Column]:
        """The list page's columns for ``actor`` (the export keeps ``columns``)."""
        return self.columns

    def detail_rows_for(self, actor: Actor, obj: M) -> list[tuple[str, object]]:
        """The detail page's label/value rows for ``actor`` (by default ``detail_fields``,
        personal ones in full for the row's handler)."""
        return self.detail_rows(obj, unmasked=self.unmasked_fields(actor, obj))

    def is_handler(self, actor: Actor, obj: M) -> bool:
        """Whether ``actor`` handles ``obj``: a member of the row's own unit (``obj.unit``) in a
        role that may edit it. A superior unit, a reader or the 被申请人's side is not."""
        unit_id = getattr(obj, "unit_id", None)
        return unit_id is not None and unit_id == actor.unit.pk and self.can_edit(actor, obj)

    def unmasked_fields(self, actor: Actor, obj: M) -> frozenset[str]:
        """The personal fields ``actor`` sees in full on ``obj``'s page (none unless handler)."""
        if not self.handler_unmasked or not self.is_handler(actor, obj):
            return frozenset()
        return frozenset(self.handler_unmasked)

    def edit_form(self, actor: Actor, obj: M, data: Any) -> forms.BaseForm:
        """The edit form, bound to ``data`` (None for GET)."""
        assert self.form_class is not None
        return self.form_class(data, instance=obj)

    def create_unavailable(self, actor: Actor) -> str:
        """Why ``actor`` cannot register anything here even with the right to ("" if it can),
        e.g. no unit in its subtree may keep this register. Shown instead of the form."""
        return ""

    def detail_actions(self, actor: Actor, obj: M) -> list[Action]:
        """Buttons on the detail page: the steps the actor may take on ``obj``, and the steps
        offered in its state that a rule blocks now, disabled with the reason."""
        today = timezone.localdate()
        actions: list[Action] = []
        for step in self.steps:
            if not self.step_permitted(actor, obj, step):
                continue
            if step.offered is not None and not step.offered(obj):
                continue
            url = reverse(f"{self.key}_step", args=[obj.pk, step.name])
            actions.append(Action(step.label, url, disabled=step.reason(obj, today)))
        return actions

    def detail_context(self, actor: Actor, obj: M) -> dict[str, Any]:
        """Extra context for ``detail_template`` (timelines, related tables …)."""
        return {}

    def deadlines(self, obj: M) -> list[Deadline]:
        """The record's statutory deadlines (for the deadlines card, the timeline and the API)."""
        return []

    def timeline(self, obj: M, deadlines: Sequence[Deadline] | None = None) -> list[dict[str, Any]]:
        """The record's timeline events (``obj.events``, a
        :class:`fazhi.core.models.TimelineEvent` subclass) and its deadlines, in date order
        (an event before a deadline on the same day)."""
        today = timezone.localdate()
        events = getattr(obj, "events", None)
        items: list[dict[str, Any]] = [
            {
                "on": e.on,
                "kind": "event",
                "label": e.kind,
                "note": e.note,
                "actor_name": e.actor_name,
            }
            for e in (events.all() if events is not None else ())
        ]
        for d in deadlines if deadlines is not None else self.deadlines(obj):
            if d.due is not None:
                items.append({"on": d.due, "kind": "deadline", **d.as_dict(today)})
        return sorted(items, key=lambda i: (i["on"], i["kind"] == "deadline"))

    def save(self, actor: Actor, obj: M, data: dict[str, Any]) -> M:
        """Persist the edit form's cleaned data through the register's service."""
        raise NotImplementedError

    def can_create(self, actor: Actor) -> bool:
        return self.create_form_class is not None and actor.can(Cap.EDIT_RECORDS)

    def create(self, actor: Actor, data: dict[str, Any]) -> M:
        """Create a row from the create form's ``service_kwargs()`` through the service."""
        raise NotImplementedError

    def step_check(self, actor: Actor, obj: M, step: Step) -> None:
        """Raise PermissionDenied (role, side) or ValidationError (state, rule) if ``step``
        may not be taken on ``obj`` now: the step's ``permission`` (by default whoever may
        edit the row), then its ``blocker``."""
        self.step_permission(actor, obj, step)
        reason = step.reason(obj, timezone.localdate())
        if reason:
            raise ValidationError(reason)

    def step_permission(self, actor: Actor, obj: M, step: Step) -> None:
        if step.permission is not None:
            step.permission(actor, obj)
        elif not self.can_edit(actor, obj):
            raise PermissionDenied(f"当前角色“{actor.role_label}”不能办理此事项")

    def step_permitted(self, actor: Actor, obj: M, step: Step) -> bool:
        try:
            self.step_permission(actor, obj, step)
        except PermissionDenied:
            return False
        return True

    def step_allowed(self, actor: Actor, obj: M, step: Step) -> bool:
        try:
            self.step_check(actor, obj, step)
        except (PermissionDenied, ValidationError):
            return False
        return True

    def step_named(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise Http404("没有这个办理事项")

    # --- writes shared by the screens and the API ------------------------------------------
    def perform(self, actor: Actor, obj: M, name: str, data: Mapping[str, Any]) -> object:
        """Validate ``data`` with the step's form and run it (the API's path; raises)."""
        step = self.step_named(name)
        self.step_check(actor, obj, step)
        form = step.form_class(data, actor=actor, obj=obj)
        if not form.is_valid():
            raise form_errors(form)
        return step.run(actor, obj, form.service_kwargs())

    def create_from(self, actor: Actor, data: Mapping[str, Any]) -> M:
        """Validate ``data`` with the create form and create the row (the API's path)."""
        if self.create_form_class is None or not self.can_create(actor):
            raise PermissionDenied(f"当前角色“{actor.role_label}”不能登记")
        unavailable = self.create_unavailable(actor)
        if unavailable:
            raise ValidationError(unavailable)
        form = self.create_form_class(data, actor=actor)
        if not form.is_valid():
            raise form_errors(form)
        return self.create(actor, form.service_kwargs())

    # --- queries ----------------------------------------------------------------------------
    def queryset(self, actor: Actor) -> models.QuerySet[M]:
        qs = visible_to(self.base_queryset(), actor)
        return qs.order_by(*self.ordering) if self.ordering else qs

    def filtered(self, actor: Actor, params: Any, term: str | None = None) -> models.QuerySet[M]:
        """The rows ``actor`` sees that pass the filters in ``params`` and the search ``term``
        (by default ``params["q"]``): a substring of a ``search_fields`` value, or exactly the
        value behind a ``blind_search_fields`` digest."""
        qs = self.queryset(actor)
        for flt in self.filters:
            value = (params.get(flt.name) or "").strip()
            if value and flt.resolve is not None:  # a picker: a code or a name, in scope
                found = flt.resolve(actor, value)
                qs, value = (qs, found[0]) if found else (qs.none(), "")
            if value:
                qs = flt.filter(qs, value)
        term = (params.get("q") or "" if term is None else term).strip()
        if term and (self.search_fields or self.blind_search_fields):
            query = Q()
            for name in self.search_fields:
                query |= Q(**{f"{name}__icontains": term})
            # The term as typed, and its digits alone for a phone typed with separators.
            digests = sorted({blind_index(term), blind_index(phone_digits(term))} - {""})
            for name in self.blind_search_fields:
                query |= Q(**{f"{name}__in": digests})
            qs = qs.filter(query)
        return qs

    def search_term(self, request: HttpRequest) -> str:
        """The list's search term: behind the ``?s=`` token for a register with
        ``blind_search_fields``, else ``?q=``."""
        if self.blind_search_fields and TOKEN_PARAM in request.GET:
            return recalled_term(request)
        return (request.GET.get("q") or "").strip()

    def get_object(self, actor: Actor, pk: int) -> M:
        return get_visible_or_404(self.base_queryset(), actor, pk=pk)

    def url(self, view: str, obj: M | None = None) -> str:
        return reverse(f"{self.key}_{view}", args=[obj.pk] if obj is not None else [])

    def detail_rows(
        self,
        obj: M,
        entries: Sequence[str | Column] | None = None,
        *,
        unmasked: frozenset[str] = frozenset(),
    ) -> list[tuple[str, object]]:
        """Label/value rows of ``entries`` (default ``detail_fields``); dates as 2024-03-04;
        personal columns masked unless named in ``unmasked``."""
        rows: list[tuple[str, object]] = []
        for entry in self.detail_fields if entries is None else entries:
            if isinstance(entry, Column):
                value = entry.render(obj, full=entry.name in unmasked)
                rows.append((entry.label, display_value(value)))
            else:
                value = Column(entry, "").render(obj)
                rows.append((field_label(self.model, entry), display_value(value)))
        return rows

    # --- views ------------------------------------------------------------------------------
    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            "register": self,
            "title": self.title,
            "has_edit_form": self.form_class is not None,
            **extra,
        }

    def list_view(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        actor.require(self.view_cap)
        if request.method == "POST" and self.blind_search_fields:
            return redirect(f"{self.url('list')}?{redirect_query(request)}")
        term = self.search_term(request)
        qs = self.filtered(actor, request.GET, term)
        page = BoundedPaginator(qs, settings.FAZHI_PAGE_SIZE).get_page(request.GET.get("page"))
        columns = list(self.list_columns(actor))
        rows = [(obj, [_list_cell(c, obj) for c in columns]) for obj in page.object_list]
        filters = [_filter_state(f, actor, request.GET.get(f.name, "")) for f in self.filters]
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "core/register/list.html",
            self._context(
                request,
                page=page,
                columns=columns,
                rows=rows,
                filters=filters,
                actions=self.list_actions(actor),
                params=request.GET,
                term=term,
                query=query.urlencode(),
            ),
        )

    def detail_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        actor.require(self.view_cap)
        obj = self.get_object(actor, pk)
        fields = self.detail_rows_for(actor, obj)
        audit_unmasked_view(actor, obj, self.unmasked_fields(actor, obj))
        return render(
            request,
            self.detail_template,
            self._context(
                request,
                obj=obj,
                fields=fields,
                can_edit=self.can_edit(actor, obj),
                actions=self.detail_actions(actor, obj),
                tab="detail",
                today=timezone.localdate(),
                **self.detail_context(actor, obj),
            ),
        )

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        obj = self.get_object(actor, pk)
        if self.form_class is None or not self.can_edit(actor, obj):
            raise PermissionDenied(f"当前角色“{actor.role_label}”不能修改此记录")
        form = self.edit_form(actor, obj, request.POST or None)
        saving = request.method == "POST" and form.is_valid()
        if saving and _submitted(form, lambda: self.save(actor, obj, form.cleaned_data)):
            messages.success(request, "已保存")
            return redirect(self.url("detail", obj))
        return render(
            request,
            "core/register/edit.html",
            self._context(request, obj=obj, form=form, tab="edit"),
        )

    def create_view(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        if self.create_form_class is None or not self.can_create(actor):
            raise PermissionDenied(f"当前角色“{actor.role_label}”不能登记")
        heading = f"{self.create_label}·{self.title}"
        unavailable = self.create_unavailable(actor)
        if unavailable:
            context = self._context(request, heading=heading, unavailable=unavailable)
            return render(request, "core/register/create.html", context)
        initial = {k: v for k, v in request.GET.items() if v}
        form = self.create_form_class(_posted(request), actor=actor, initial=initial)
        if request.method == "POST" and form.is_valid():
            created: list[M] = []
            if _submitted(form, lambda: created.append(self.create(actor, form.service_kwargs()))):
                messages.success(request, f"已{self.create_label}：{created[0]}")
                return redirect(self.url("detail", created[0]))
        context = self._context(request, form=form, heading=heading)
        return render(request, "core/register/create.html", context)

    def step_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        actor = actor_of(request)
        actor.require(self.view_cap)
        obj, step = self.get_object(actor, pk), self.step_named(name)
        try:
            self.step_check(actor, obj, step)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(self.url("detail", obj))
        form = step.form_class(_posted(request), actor=actor, obj=obj)
        posted = request.method == "POST" and form.is_valid()
        if posted and _submitted(form, lambda: step.run(actor, obj, form.service_kwargs())):
            messages.success(request, f"已办理：{step.label}")
            return redirect(self.url("detail", obj))
        context = self._context(
            request, obj=obj, form=form, step=step, step_help=step.help_for(obj), tab="step"
        )
        return render(request, "core/register/step.html", context)

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
        term = self.search_term(request)
        rows = self.filtered(actor, request.GET, term)
        count = rows.count()
        if count > settings.FAZHI_EXPORT_JOB_ROWS:  # large: written by a background job
            from fazhi.jobs.exports import export_job_page

            return export_job_page(request, self, actor, count=count, term=term)
        content = self.export_xlsx(rows)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        period = self.export_period(request.GET)
        name = self.export_name(request.GET)  # 行政复议台账-2025.xlsx
        action = export_action(self.model)  # 安全事件审计: <app>.export, file and row count
        audit_download(actor=actor, action=action, target=self.model, filename=name, count=count)
        response["Content-Disposition"] = (
            f'attachment; filename="{self.key}-{period}.xlsx"; '
            f"filename*=UTF-8''{urllib.parse.quote(name)}"
        )
        return response

    def export_name(self, params: Any) -> str:
        """The export file's Chinese name, e.g. ``行政复议台账-2025.xlsx``."""
        return f"{self.title.removesuffix('案件')}台账-{self.export_period(params)}.xlsx"

    def export_period(self, params: Any) -> str:
        """The export file name's period: the first 年度 filter set (``2025``), else the day's
        date (``20250620``)."""
        years = [str(params.get(f.name) or "").strip() for f in self.filters if f.param_type is int]
        chosen = [y for y in years if len(y) == 4 and y.isdigit()]
        return chosen[0] if chosen else timezone.localdate().strftime("%Y%m%d")

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
        _REGISTERS[self.key] = self  # found again by its key (register_named)
        wrap, key, at = login_required, self.key, self.url_prefix or self.key
        patterns = [
            path(f"{at}/", wrap(self.list_view), name=f"{key}_list"),
            path(f"{at}/export.xlsx", wrap(self.export_view), name=f"{key}_export"),
            path(f"{at}/<int:pk>/", wrap(self.detail_view), name=f"{key}_detail"),
            path(f"{at}/<int:pk>/edit/", wrap(self.edit_view), name=f"{key}_edit"),
            path(f"{at}/<int:pk>/history/", wrap(self.history_view), name=f"{key}_history"),
        ]
        if self.create_form_class is not None:
            patterns.append(path(f"{at}/new/", wrap(self.create_view), name=f"{key}_create"))
        if self.steps:
            step_view = wrap(self.step_view)
            patterns.append(path(f"{at}/<int:pk>/<slug:name>/", step_view, name=f"{key}_step"))
        return patterns


def _filter_state(flt: Filter, actor: Actor, current: str) -> tuple[Filter, str, Any, str, str]:
    """A list filter as the template shows it: ``(filter, current value, options, chosen,
    notice)``. A picker (``search_url``) has no options; ``chosen`` is the name of the unit its
    value names, ``notice`` a message in Chinese when it names no unit in the actor's subtree."""
    if flt.resolve is None:
        return flt, current, flt.options(actor), "", ""
    typed = current.strip()
    found = flt.resolve(actor, typed) if typed else None
    if typed and found is None:
        notice = f"未找到单位“{typed[:40]}”：请输入本辖区单位的编码、全称或简称。"
        return flt, typed, (), "", notice
    return flt, typed, (), found[1] if found else "", ""


def audit_unmasked_view(actor: Actor, obj: models.Model, names: frozenset[str]) -> None:
    """Audit that ``actor`` was shown the personal fields ``names`` of ``obj`` in full (a
    security-relevant read): which fields, never their values."""
    shown = sorted(n for n in names if getattr(obj, n, ""))
    if not shown:
        return
    audit_append(
        actor=actor,
        action=PERSONAL_VIEW_ACTION,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        after={"fields": [field_label(type(obj), n) for n in shown]},
    )


def _posted(request: HttpRequest) -> Any:
    """The POST data, or None for GET (a form with no fields is still bound when posted)."""
    return request.POST if request.method == "POST" else None


def _submitted(form: forms.BaseForm, call: Callable[[], object]) -> bool:
    """Run a service call for a valid form; on ValidationError show it on the form."""
    try:
        call()
    except ValidationError as exc:
        add_service_error(form, exc)
        return False
    return True


def _list_cell(column: Column, obj: Any) -> tuple[object, bool, str]:
    """A list cell: its shown value, whether it links to the row, and its CSS class."""
    value = column.render(obj)
    css = column.css
    if not css and isinstance(value, dt.date):
        css = "date"
    return display_value(value), column.link, css


def _cell(value: object) -> object:
    if isinstance(value, SafeData):
        return strip_tags(str(value))
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)
