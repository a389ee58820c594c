"""Forms of the orgs app."""

from __future__ import annotations

from django import forms

from fazhi.orgs.models import OrgUnit


class UnitContactForm(forms.ModelForm[OrgUnit]):
    """The 单位信息 fields a unit keeps up to date itself."""

    class Meta:
        model = OrgUnit
        fields = ["contact_person", "contact_phone", "address"]
