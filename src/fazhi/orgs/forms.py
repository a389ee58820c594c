"""Forms of the orgs app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from fazhi.orgs.models import OrgUnit, OrgUnitQuerySet
from fazhi.orgs.roles import Role


class UnitContactForm(forms.ModelForm[OrgUnit]):
    """The 单位信息 fields a unit keeps up to date itself."""

    class Meta:
        model = OrgUnit
        fields = ["contact_person", "contact_phone", "address"]


class UnitAdminForm(forms.ModelForm[OrgUnit]):
    """What the 系统管理员 may also set: whether the unit is a 行政复议机构, its 示范地区 title."""

    class Meta:
        model = OrgUnit
        fields = [
            "contact_person",
            "contact_phone",
            "address",
            "is_reconsideration_body",
            "demonstration_area",
        ]


class UserChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}（{obj.username}）"


class AccountPickForm(forms.Form):
    """Step 1 of 授予岗位: the account (the roles offered depend on what it holds)."""

    user = UserChoiceField(
        label="账号", queryset=get_user_model().objects.none(), empty_label="请选择账号"
    )

    def __init__(self, *args: Any, users: QuerySet[Any], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = users


class MembershipGrantForm(forms.Form):
    """安全管理员 grants a role in a unit of their subtree.

    ``roles``: the roles 三员分立 leaves for the chosen account (``grantable_roles``); any other
    is refused with ``reason``, which names what the account already holds."""

    user = UserChoiceField(label="账号", queryset=get_user_model().objects.none())
    unit = forms.ModelChoiceField(
        label="单位", queryset=OrgUnit.objects.none(), empty_label="请选择单位"
    )
    role = forms.ChoiceField(label="角色", choices=Role.choices)

    def __init__(
        self,
        *args: Any,
        units: OrgUnitQuerySet,
        users: QuerySet[Any],
        roles: list[tuple[str, str]] | None = None,
        reason: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = users
        user_field.widget = forms.HiddenInput() if roles is not None else user_field.widget
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        if roles is not None:
            role_field.choices = [("", "请选择角色"), *roles]
        if reason:
            role_field.error_messages["invalid_choice"] = reason
