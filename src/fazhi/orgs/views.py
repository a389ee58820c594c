"""Screens of the orgs app: the 单位信息 register (generic register layer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.audit import mask_value
from fazhi.core.registers import Action, Column, Filter, Register, actor_of
from fazhi.orgs import services
from fazhi.orgs.forms import (
    AccountPickForm,
    MembershipGrantForm,
    UnitAdminForm,
    UnitContactForm,
)
from fazhi.orgs.models import (
    Membership,
    MembershipQuerySet,
    OrgUnit,
    OrgUnitQuerySet,
    UnitKind,
    UnitLevel,
)
from fazhi.orgs.roles import Cap, Role
from fazhi.orgs.scoping import Actor, get_visible_or_404
from fazhi.orgs.selectors import (
    SELF_ROLES_REFUSED,
    grantable_roles,
    grantable_users,
    held_memberships,
    revoke_problem,
    unit_search,
    units_for,
)


def yes_no(value: bool) -> str:
    """A yes/no field as the screens say it (never True/False)."""
    return "是" if value else "否"


def _state(membership: Membership) -> str:
    return "有效" if membership.is_active else "已撤销"


class UnitRegister(Register[OrgUnit]):
    key = "units"
    title = "单位信息"
    model = OrgUnit
    columns = (
        Column("code", "单位编码"),
        Column("name", "单位名称", link=True),
        Column("kind", "单位类别"),
        Column("level", "层级"),
        Column("parent.display_name", "上级单位"),
        Column("contact_person", "联系人"),
        Column("contact_phone", "联系电话", value=lambda u: mask_value(u.contact_phone)),
    )
    filters = (
        Filter("kind", "单位类别", "kind", UnitKind.choices),
        Filter("level", "层级", "level", UnitLevel.choices),
    )
    search_fields = ("name", "short_name", "code")
    detail_fields = (
        "code",
        "name",
        "short_name",
        "kind",
        "level",
        "parent",
        "contact_person",
        "contact_phone",
        "address",
        Column(
            "is_reconsideration_body",
            "行政复议机构",
            value=lambda u: yes_no(u.is_reconsideration_body),
        ),
        "demonstration_area",
    )
    form_class = UnitContactForm
    ordering = ("path",)

    def base_queryset(self) -> OrgUnitQuerySet:
        return OrgUnit.objects.select_related("parent")

    def can_edit(self, actor: Actor, obj: OrgUnit) -> bool:
        return actor.can(Cap.EDIT_RECORDS) or actor.can(Cap.MANAGE_UNITS)

    def edit_form(self, actor: Actor, obj: OrgUnit, data: Any) -> forms.BaseForm:
        form_class = UnitAdminForm if actor.can(Cap.MANAGE_UNITS) else UnitContactForm
        return form_class(data, instance=obj)

    def save(self, actor: Actor, obj: OrgUnit, data: dict[str, Any]) -> OrgUnit:
        return services.orgunit_update(actor=actor, unit=obj, **data)


units = UnitRegister()


class MembershipRegister(Register[Membership]):
    """岗位授权: the 安全管理员's register of memberships in their subtree."""

    key = "memberships"
    title = "岗位授权"
    model = Membership
    view_cap = Cap.MANAGE_ROLES
    columns = (
        Column("user.username", "账号", link=True),
        Column("user.last_name", "姓名"),
        Column("unit.name", "单位"),
        Column("role", "角色"),
        Column("is_active", "状态", value=_state),
    )
    filters = (
        Filter("role", "角色", "role", Role.choices),
        Filter("active", "状态", "is_active", (("1", "有效"), ("0", "已撤销"))),
    )
    search_fields = ("user__username", "user__last_name", "unit__name")
    detail_fields = (
        "user",
        "unit",
        "role",
        Column("is_active", "状态", value=_state),
        "created_at",
    )
    ordering = ("unit__path", "role", "user__username")

    def base_queryset(self) -> MembershipQuerySet:
        return Membership.objects.select_related("user", "unit")

    def can_edit(self, actor: Actor, obj: Membership) -> bool:
        return False

    def list_actions(self, actor: Actor) -> list[Action]:
        return [Action("授予岗位", reverse("membership_grant"))]

    def detail_actions(self, actor: Actor, obj: Membership) -> list[Action]:
        if not obj.is_active:
            return []
        own = actor.user is not None and actor.user.pk == obj.user_id
        return [
            Action(
                "撤销岗位",
                reverse("membership_revoke", args=[obj.pk]),
                post=True,
                confirm=f"确定撤销 {obj.user.username} 在{obj}的岗位吗？",
                disabled=SELF_ROLES_REFUSED if own else revoke_problem(obj),
            )
        ]


memberships = MembershipRegister()


def _chosen_account(request: HttpRequest, users: Any) -> tuple[Any, str]:
    """The account picked in step 1 (``?user=``) or posted, and an error if it is not one the
    actor may give roles to (another subtree's, or their own)."""
    raw = request.POST.get("user") or request.GET.get("user") or ""
    if not raw:
        return None, ""
    account = users.filter(pk=raw).first() if raw.isdigit() and len(raw) < 12 else None
    if account is None:
        return None, "该账号不能由您授予岗位（不在您的管辖范围内，或是您本人的账号）"
    return account, ""


def _grant_context(users: Any, *, account: Any, **context: Any) -> dict[str, Any]:
    return {
        "title": "授予岗位",
        "pick": AccountPickForm(users=users, initial={"user": account}),
        "account": account,
        "held": held_memberships(account) if account is not None else [],
        **context,
    }


@login_required
def membership_grant_view(request: HttpRequest) -> HttpResponse:
    """授予岗位 in two steps: the account, then the unit and one of the roles 三员分立 leaves
    for it (the others are not offered; the page says why)."""
    actor = actor_of(request)
    actor.require(Cap.MANAGE_ROLES)
    users = grantable_users(actor)
    account, refused = _chosen_account(request, users)
    roles, reason = grantable_roles(account) if account is not None else (None, "")
    form = MembershipGrantForm(
        request.POST or None,
        units=units_for(actor),
        users=users,
        roles=roles,
        reason=reason,
        initial={"user": account},
    )
    if request.method == "POST" and account is not None and form.is_valid():
        try:
            services.membership_grant(actor=actor, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "已授予岗位")
            return redirect("memberships_list")
    context = {"form": form, "reason": reason, "refused": refused, "account": account}
    return render(request, "orgs/membership_grant.html", _grant_context(users, **context))


@require_POST
@login_required
def membership_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require(Cap.MANAGE_ROLES)
    membership = get_visible_or_404(Membership.objects.select_related("user", "unit"), actor, pk=pk)
    try:
        services.membership_revoke(actor=actor, membership=membership)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("memberships_detail", pk=membership.pk)
    messages.success(request, f"已撤销：{membership.user.username} {membership}")
    return redirect("memberships_list")


@require_GET
@login_required
def unit_search_view(request: HttpRequest) -> JsonResponse:
    """The unit picker's type-ahead (``?q=&limit=``): units of the actor's subtree only."""
    actor = actor_of(request)
    actor.require(Cap.VIEW_RECORDS)
    try:
        limit = int(request.GET.get("limit") or 20)
    except ValueError:
        limit = 20
    results = unit_search(actor, request.GET.get("q") or "", limit)
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
