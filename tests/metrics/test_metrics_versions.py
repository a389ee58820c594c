"""Definitions are versioned data: a change from a year keeps past years' figures; the fixture
sync is idempotent, compares versions as numbers and never overwrites an administrator's edit."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from tests.metrics.builders import closed, save_recon
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.metrics.engine import DefinitionError
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import definition_for, definitions_for_year, metric_value
from fazhi.metrics.services import (
    DEFINITIONS_FIXTURE,
    definition_fixtures,
    metric_definition_revise,
    metric_definitions_sync,
)
from fazhi.orgs.scoping import Actor

D = dt.date
pytestmark = pytest.mark.django_db
WITHDRAWN = [
    "mediation",
    "settled_withdrawn",
    "coordinated_withdrawn",
    "other_withdrawn",
    "terminated",
]
FIXTURE: dict[str, Any] = json.loads(DEFINITIONS_FIXTURE.read_text(encoding="utf-8"))
ROWS = len(FIXTURE["definitions"])  # every version of every definition shipped


def rate(county: County, year: int) -> tuple[Decimal | None, int | Decimal, int | None, int]:
    v = metric_value(
        actor=Actor.command_line(),
        unit=county.root,
        period=Period.for_year(year),
        code="reconsideration.correction_rate",
    )
    return v.value, v.numerator, v.denominator, v.version


def test_fixture_is_loaded_on_migrate() -> None:
    codes = {d["code"] for d in FIXTURE["definitions"]}
    # 行政复议 13, 行政应诉 6, 工作计划 5, 合法性审查 15, 规范性文件 12, 重大行政决策 6; issue 17:
    # 执法人员 7, 执法培训 8, 执法数据 12, 三项制度 4, 案卷评查 9; issue 18: 人民调解 18, 学法 11,
    # 述法 4, 法律顾问 11; issue 19: 考核督察 7
    assert len(codes) == 13 + 6 + 5 + 15 + 12 + 6 + 7 + 8 + 12 + 4 + 9 + 18 + 11 + 4 + 11 + 7
    assert set(MetricDefinition.objects.values_list("code", flat=True)) == codes
    # each definition carries the version of the fixture that ships it (one per register app)
    shipped = {
        item["code"]: str(data["version"])
        for data in (json.loads(p.read_text(encoding="utf-8")) for p in definition_fixtures())
        for item in data["definitions"]
    }
    assert all(d.fixture_version == shipped[d.code] for d in MetricDefinition.objects.all())
    assert all(d.description for d in MetricDefinition.objects.all())
    assert metric_definitions_sync() == 0  # idempotent


def test_definition_changed_from_2025_keeps_2024(county: County) -> None:
    for year in (2024, 2025):
        save_recon(
            *(closed(county.dept, D(year, 6, 1), "annul") for _ in range(3)),
            *(closed(county.dept, D(year, 6, 1), "uphold") for _ in range(3)),
            *(closed(county.dept, D(year, 6, 1), "coordinated_withdrawn") for _ in range(4)),
        )
    assert rate(county, 2024) == (Decimal("30.0"), 3, 10, 2020)
    new = metric_definition_revise(
        actor=county.actor("sysadmin"),
        code="reconsideration.correction_rate",
        from_year=2025,
        changes={
            "denominator_filter": {"not": {"outcome__in": WITHDRAWN}},
            "description": "自2025年起，分母不含调解、和解、撤回和终止结案的案件。",
        },
    )
    # The revised version ends where the next one starts: the fixture ships a 2026 version of
    # 纠错率 (第71条 行政协议 decisions count as 纠错 from 2026, issue 13 item 6).
    assert (new.valid_from_year, new.valid_to_year, new.locally_modified) == (2025, 2025, True)
    assert definition_for("reconsideration.correction_rate", 2024).valid_to_year == 2024
    assert rate(county, 2024) == (Decimal("30.0"), 3, 10, 2020)
    assert rate(county, 2025) == (Decimal("50.0"), 3, 6, 2025)
    assert (
        AuditEntry.objects.filter(action="metricdefinition.save", actor_name="程系统").count() == 2
    )
    # The CLI shows which version each figure was computed under.
    out = StringIO()
    call_command("metrics", "--unit", county.root.code, "--year", "2025", "--json", stdout=out)
    row = next(
        r for r in json.loads(out.getvalue()) if r["code"] == "reconsideration.correction_rate"
    )
    assert (row["version"], row["value"], row["denominator"]) == (2025, 50.0, 6)
    # A fixture sync does not undo the administrator's versions.
    MetricDefinition.objects.update(fixture_version="0")
    metric_definitions_sync()
    assert rate(county, 2024)[3] == 2020 and rate(county, 2025)[3] == 2025
    # one version of each of the 57 metrics (see test_fixture_is_loaded_on_migrate)
    assert len(definitions_for_year(2025)) == len({d["code"] for d in FIXTURE["definitions"]})


def test_revise_refuses_a_year_without_or_with_a_version(county: County) -> None:
    actor = county.actor("sysadmin")
    with pytest.raises(ValidationError, match="2019年没有有效的版本"):
        metric_definition_revise(
            actor=actor, code="reconsideration.closed", from_year=2019, changes={}
        )
    with pytest.raises(ValidationError, match="2020年起的版本已存在"):
        metric_definition_revise(
            actor=actor, code="reconsideration.closed", from_year=2020, changes={}
        )
    with pytest.raises(ValidationError, match="outcom__in"):
        metric_definition_revise(
            actor=actor,
            code="reconsideration.corrected",
            from_year=2025,
            changes={"numerator_filter": {"outcom__in": ["vary"]}},
        )
    assert definition_for("reconsideration.corrected", 2025).valid_from_year == 2020  # unchanged


def test_only_the_top_system_administrator_revises(county: County) -> None:
    from django.core.exceptions import PermissionDenied

    for persona in ("coordinator", "clerk_a"):
        with pytest.raises(PermissionDenied):
            metric_definition_revise(
                actor=county.actor(persona),
                code="reconsideration.closed",
                from_year=2025,
                changes={},
            )


def fixture_with(tmp_path: Path, version: str, **changes: Any) -> Path:
    data = json.loads(DEFINITIONS_FIXTURE.read_text(encoding="utf-8"))
    data["version"] = version
    for item in data["definitions"]:
        if item["code"] == "reconsideration.closed":
            item.update(changes)
    path = tmp_path / "defs.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_newer_fixture_updates_and_versions_compare_as_numbers(tmp_path: Path) -> None:
    MetricDefinition.objects.update(fixture_version="2025.9")
    assert metric_definitions_sync(path=fixture_with(tmp_path, "2025.10", name="审结数")) == ROWS
    assert definition_for("reconsideration.closed", 2024).name == "审结数"
    assert metric_definitions_sync(path=fixture_with(tmp_path, "2025.8", name="旧名")) == 0
    assert definition_for("reconsideration.closed", 2024).name == "审结数"


def test_sync_is_audited_and_adds_new_versions(tmp_path: Path) -> None:
    data = json.loads(DEFINITIONS_FIXTURE.read_text(encoding="utf-8"))
    data["version"] = "2099.1"
    old = next(d for d in data["definitions"] if d["code"] == "litigation.loss_rate")
    old["valid_to_year"] = 2025
    data["definitions"].append(
        old
        | {
            "valid_from_year": 2026,
            "valid_to_year": None,
            "denominator_filter": {"not": {"result": "withdrawn"}},
        }
    )
    path = tmp_path / "defs.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert metric_definitions_sync(actor=Actor.command_line(), path=path) == ROWS + 1
    assert definition_for("litigation.loss_rate", 2025).valid_to_year == 2025
    assert definition_for("litigation.loss_rate", 2026).denominator_filter == {
        "not": {"result": "withdrawn"}
    }
    assert AuditEntry.objects.filter(action="metric_definition.sync").count() >= 24


def test_invalid_fixture_fails_loudly(tmp_path: Path) -> None:
    path = fixture_with(tmp_path, "2099.1", numerator_filter={"statu": "closed"})
    with pytest.raises(DefinitionError, match=r"reconsideration\.closed.*statu"):
        metric_definitions_sync(path=path)


# --- admin ----------------------------------------------------------------------------------------
def admin_data(definition: MetricDefinition, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in MetricDefinition._meta.concrete_fields:
        if field.name in {"id", "fixture_version", "locally_modified"}:
            continue
        value = getattr(definition, field.name)
        data[field.name] = (
            json.dumps(value) if isinstance(value, dict) else ("" if value is None else value)
        )
    return data | changes


def test_admin_edit_is_audited_marked_local_and_survives_sync(county: County) -> None:
    client = county.client("sysadmin")
    definition = definition_for("litigation.loss_rate", 2024)
    url = f"/admin/metrics/metricdefinition/{definition.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, admin_data(definition, decimals=2))
    assert response.status_code == 302, response.content.decode()[:2000]
    definition.refresh_from_db()
    assert (definition.decimals, definition.locally_modified) == (2, True)
    assert AuditEntry.objects.filter(action="metricdefinition.save", actor_name="程系统").exists()
    MetricDefinition.objects.filter(pk=definition.pk).update(fixture_version="0")
    metric_definitions_sync()
    definition.refresh_from_db()
    assert definition.decimals == 2


def test_admin_rejects_an_invalid_definition_in_chinese(county: County) -> None:
    client = county.client("sysadmin")
    definition = definition_for("litigation.loss_rate", 2024)
    url = f"/admin/metrics/metricdefinition/{definition.pk}/change/"
    response = client.post(url, admin_data(definition, numerator_filter='{"is_los": true}'))
    assert response.status_code == 200
    text = response.content.decode()
    assert "litigation.loss_rate" in text and "is_los" in text and "没有字段" in text
    definition.refresh_from_db()
    assert definition.numerator_filter == {"is_loss": True}


def test_admin_rejects_an_overlapping_version(county: County) -> None:
    client = county.client("sysadmin")
    definition = definition_for("litigation.loss_rate", 2024)
    data = admin_data(definition, valid_from_year=2026)
    response = client.post("/admin/metrics/metricdefinition/add/", data)
    assert response.status_code == 200
    assert "重叠" in response.content.decode()
    assert MetricDefinition.objects.filter(code="litigation.loss_rate").count() == 1


@pytest.mark.parametrize("persona", ["coordinator", "clerk_a", "secadmin"])
def test_admin_is_for_the_top_system_administrator_only(county: County, persona: str) -> None:
    assert county.client(persona).get("/admin/metrics/metricdefinition/").status_code == 302
