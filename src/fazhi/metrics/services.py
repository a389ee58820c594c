"""Writes of metric definitions: the versioned fixture sync, admin-style saves, new versions.

Definitions are system-wide rules: only the 系统管理员 at the top of the tree changes them, and
every change is audited. The fixture sync runs after each ``migrate`` (see ``apps.py``); the
definitions ship with the registers that they count, one fixture per register app (its kit's
``metric_fixture``, e.g. ``reconsideration/fixtures/metrics.json``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.audit import snapshot
from fazhi.core.kit import kits
from fazhi.core.services import audit_append, record_write
from fazhi.core.value_groups import groups_of, resolve
from fazhi.metrics import facts
from fazhi.metrics.engine import DefinitionError, validate_definition
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.selectors import overlapping_version
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

logger = logging.getLogger(__name__)

_KEY = ("code", "valid_from_year")


def _version(text: str) -> tuple[int, ...]:
    """'2024.10' > '2024.9': compare fixture versions as numbers."""
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def definition_fixtures() -> list[Path]:
    """Every register's metric definitions fixture (its kit's ``metric_fixture``), in kit order."""
    return [kit.package_path() / kit.metric_fixture for kit in kits() if kit.metric_fixture]


class CombinedFixture:
    """All kits' definition fixtures read as one: ``read_text()`` is the JSON of a single fixture
    holding every definition, with the highest of the fixtures' versions (tools and tests read
    the whole set this way; the sync itself keeps each fixture's own version)."""

    def read_text(self, encoding: str = "utf-8") -> str:
        items, versions = [], []
        for path in definition_fixtures():
            data = json.loads(path.read_text(encoding=encoding))
            versions.append(str(data["version"]))
            items.extend(_definitions(data, path))
        version = max(versions, key=_version, default="0")
        return json.dumps({"version": version, "definitions": items}, ensure_ascii=False)


#: Every definition shipped with the release (see :class:`CombinedFixture`).
DEFINITIONS_FIXTURE = CombinedFixture()


def _definitions(data: dict[str, Any], path: Path) -> list[dict[str, Any]]:
    """The fixture's definitions with their ``{"group": …}`` references resolved from its
    ``value_groups`` (:mod:`fazhi.core.value_groups`)."""
    groups = groups_of(path)
    return [resolve(item, groups) for item in data["definitions"]]


def _load(path: Path) -> list[tuple[dict[str, Any], str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    version = str(data["version"])
    return [(item, version) for item in _definitions(data, path)]


@transaction.atomic
def metric_definitions_sync(*, actor: Actor | None = None, path: Path | None = None) -> int:
    """Load the versioned definitions fixtures — every kit's ``metric_fixture``, or only the one
    at ``path`` — creating missing versions and updating those not edited locally and older
    than their fixture. Returns the number of rows created or updated.

    Idempotent; definitions are written in (code, first year) order whichever fixture holds
    them. A definition the fixture gets wrong, or one that two fixtures both ship, raises
    :class:`DefinitionError` (the fixtures are part of the release and must be valid); a
    version that would overlap a locally edited one is skipped with a warning, so an
    administrator's change is never overwritten.
    """
    files = definition_fixtures() if path is None else [path]
    items = sorted(
        (pair for file in files for pair in _load(file)),
        key=lambda pair: (pair[0]["code"], pair[0]["valid_from_year"]),
    )
    _refuse_duplicates(items)
    with facts.rebuild_later():
        changed = _sync(items, actor)
    facts.facts_build_missing()  # the changed definitions' facts, one query per source group
    return changed


def _refuse_duplicates(items: list[tuple[dict[str, Any], str]]) -> None:
    keys = [(item["code"], item["valid_from_year"]) for item, _ in items]
    for before, after in pairwise(keys):
        if before == after:
            code, year = after
            raise DefinitionError(f"指标定义 {code}（{year}年起）在定义文件中出现了不止一次")


def _sync(items: list[tuple[dict[str, Any], str]], actor: Actor | None) -> int:
    changed = 0
    for item, version in items:
        row = _synced_row(item, version)
        if row is None:
            continue
        validate_definition(row)
        other = overlapping_version(row)
        if other is not None:
            logger.warning(
                "指标定义 %s 与本地修改的版本（%s）重叠，未同步", row, other.version_label
            )
            continue
        row.save()
        changed += 1
        if actor is not None:
            audit_append(
                actor=actor,
                action="metric_definition.sync",
                object_type="metrics.metricdefinition",
                object_id=str(row.pk),
                object_repr=str(row),
                after=snapshot(row),
            )
    return changed


def _synced_row(item: Mapping[str, Any], version: str) -> MetricDefinition | None:
    key = {name: item[name] for name in _KEY}
    values = {k: v for k, v in item.items() if k not in _KEY} | {"fixture_version": version}
    row = MetricDefinition.objects.filter(**key).first()
    if row is None:
        return MetricDefinition(**key, **values)
    if row.locally_modified or _version(row.fixture_version) >= _version(version):
        return None
    for name, value in values.items():
        setattr(row, name, value)
    return row


@transaction.atomic
def metric_definition_save(*, actor: Actor, definition: MetricDefinition) -> MetricDefinition:
    """Validate and save a definition edited by the top-unit 系统管理员; marks it locally
    modified (the fixture no longer overwrites it) and audits before/after.

    Raises ValidationError (Chinese, naming the definition and field) if it is invalid.
    """
    actor.require(Cap.MANAGE_UNITS)
    actor.require_top()
    definition.locally_modified = True
    definition.full_clean()
    old = MetricDefinition.objects.filter(pk=definition.pk).first() if definition.pk else None
    definition.save()
    record_write(
        actor=actor,
        action="metricdefinition.save",
        obj=definition,
        before=snapshot(old) if old else None,
        after=snapshot(definition),
        summary="规则维护：统计指标定义",
    )
    return definition


@transaction.atomic
def metric_definition_revise(
    *, actor: Actor, code: str, from_year: int, changes: Mapping[str, Any]
) -> MetricDefinition:
    """Change metric ``code`` from ``from_year`` on without rewriting history: the version in
    force in ``from_year`` ends in ``from_year - 1`` and a new version with ``changes`` starts.

    Returns the new version. Raises ValidationError if no version is in force in ``from_year``,
    if that version already starts in ``from_year``, or if the new version is invalid.
    """
    current = (
        MetricDefinition.objects.select_for_update()
        .filter(code=code, valid_from_year__lte=from_year)
        .order_by("-valid_from_year")
        .first()
    )
    if current is None or not current.valid_in(from_year):
        raise ValidationError(f"指标定义 {code}：{from_year}年没有有效的版本可供修订")
    if current.valid_from_year == from_year:
        raise ValidationError(f"指标定义 {code}：{from_year}年起的版本已存在，请直接修改该版本")
    new = MetricDefinition.objects.get(pk=current.pk)
    new.pk, new.fixture_version = None, ""
    for name, value in changes.items():
        setattr(new, name, value)
    new.code, new.valid_from_year = code, from_year
    try:
        validate_definition(new)
    except DefinitionError as exc:
        raise ValidationError(str(exc)) from None
    current.valid_to_year = from_year - 1
    metric_definition_save(actor=actor, definition=current)
    return metric_definition_save(actor=actor, definition=new)
