"""Forms of the 账号管理 pages and of 修改密码 (labels and errors in Chinese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from fazhi.orgs.models import OrgUnit, OrgUnitQuerySet

PASSWORD_HELP = "留空则由系统生成临时密码。"


class ChineseForm(forms.Form):
    """Labels without Django's “:” suffix; required fields marked (``label.required``)."""

    required_css_class = "required"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class AccountCreateForm(ChineseForm):
    """开设账号: username, full name, the unit it is opened for, a temporary password."""

    username = forms.CharField(
        label="用户名",
        max_length=150,
        help_text="登录用，字母、数字或 @.+-_，如 zhangsan",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label="姓名", max_length=60)
    unit = UnitChoiceField(label="所属单位", queryset=OrgUnit.objects.none(), empty_label=None)
    password = forms.CharField(
        label="临时密码",
        required=False,
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, units: OrgUnitQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = units

    def clean_username(self) -> str:
        value = str(self.cleaned_data["username"]).strip()
        if not all(c.isalnum() or c in "@.+-_" for c in value):
            raise forms.ValidationError("用户名只能包含字母、数字和 @.+-_")
        return value


class PasswordResetForm(ChineseForm):
    """重置密码: a temporary password typed by the 系统管理员, or empty to generate one."""

    password = forms.CharField(
        label="临时密码",
        required=False,
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class OwnPasswordForm(ChineseForm):
    """修改密码: the current password, then the new one twice."""

    old_password = forms.CharField(
        label="原密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


def validator_help() -> list[str]:
    """The settings' password rules, as their validators describe them (in Chinese)."""
    return [str(text) for text in password_validation.password_validators_help_texts()]
