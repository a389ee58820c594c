"""Organisation tree: materialised paths, subtree/ancestor selectors, moves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.personas import County

from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.selectors import ancestors, subtree
from fazhi.orgs.services import orgunit_create, orgunit_move


@pytest.mark.django_db
def test_paths_subtree_and_ancestors(county: County) -> None:
    assert county.root.path == f"/{county.root.pk}/"
    assert county.village_a.path == f"/{county.root.pk}/{county.town_a.pk}/{county.village_a.pk}/"
    assert county.village_a.depth == 2
    assert set(subtree(county.town_a)) == {county.town_a, county.village_a}
    assert subtree(county.root).count() == 5
    assert ancestors(county.village_a) == [county.root, county.town_a]
    assert ancestors(county.root) == []


@pytest.mark.django_db
def test_prefix_of_ids_is_not_a_subtree(county: County) -> None:
    # Unit ids 2 and 21 must not be confused: paths end with a separator.
    cli_actor = county.actor("sysadmin")
    units = [
        orgunit_create(
            actor=cli_actor,
            code=f"X{i}",
            name=f"单位{i}",
            kind=UnitKind.DEPARTMENT,
            level=UnitLevel.COUNTY,
            parent=county.root,
        )
        for i in range(12)
    ]
    for unit in units:
        assert set(subtree(unit)) == {unit}


@pytest.mark.django_db
def test_move_rewrites_the_whole_subtree(county: County) -> None:
    orgunit_move(actor=county.actor("sysadmin"), unit=county.town_a, new_parent=county.dept)
    village = OrgUnit.objects.get(pk=county.village_a.pk)
    assert village.path == (
        f"/{county.root.pk}/{county.dept.pk}/{county.town_a.pk}/{county.village_a.pk}/"
    )
    assert village.depth == 3
    assert set(subtree(county.dept)) == {county.dept, county.town_a, county.village_a}


@pytest.mark.django_db
def test_move_into_own_subtree_is_refused(county: County) -> None:
    with pytest.raises(ValidationError):
        orgunit_move(
            actor=county.actor("sysadmin"), unit=county.town_a, new_parent=county.village_a
        )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "clerk_a", "secadmin", "auditor"])
def test_only_system_administrator_changes_structure(county: County, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        orgunit_create(
            actor=county.actor(persona),
            code="Y1",
            name="新单位",
            kind=UnitKind.DEPARTMENT,
            level=UnitLevel.COUNTY,
            parent=county.root,
        )


@pytest.mark.django_db
def test_duplicate_code_names_the_field(county: County) -> None:
    with pytest.raises(ValidationError) as info:
        orgunit_create(
            actor=county.actor("sysadmin"),
            code=county.town_a.code,
            name="重复",
            kind=UnitKind.TOWNSHIP,
            level=UnitLevel.TOWNSHIP,
            parent=county.root,
        )
    assert "code" in info.value.message_dict
