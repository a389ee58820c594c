"""Named groups of choice values, kept in a register's metric fixture and read by code.

A rule such as “which 结案方式 are 纠错” must live in one place: the metric definitions (data)
count them, and code (demo data, reports, the assessment module) needs the same list. The
register's metric fixture holds ``"value_groups": {"correcting": {"label": …, "values": […]}}``
and a definition's filter names a group with ``{"group": "correcting"}``; the metric loader
resolves the references (:func:`resolve`) and code reads the same list (:func:`value_group`).
Pure: JSON only, no database.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _groups(path: Path) -> dict[str, tuple[str, ...]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: tuple(str(v) for v in group["values"])
        for name, group in data.get("value_groups", {}).items()
    }


def groups_of(path: Path) -> dict[str, tuple[str, ...]]:
    """Every value group of the fixture at ``path`` (name → values)."""
    return dict(_groups(path.resolve()))


def value_group(path: Path, name: str) -> tuple[str, ...]:
    """The values of group ``name`` in the fixture at ``path``; KeyError naming it if absent."""
    groups = _groups(path.resolve())
    if name not in groups:
        raise KeyError(f"{path.name} 中没有取值组“{name}”（可选：{'、'.join(groups)}）")
    return groups[name]


def resolve(value: Any, groups: dict[str, tuple[str, ...]]) -> Any:
    """``value`` with every ``{"group": name}`` replaced by the group's list of values."""
    if isinstance(value, dict):
        if set(value) == {"group"}:
            name = value["group"]
            if name not in groups:
                raise KeyError(f"未定义的取值组：{name}")
            return list(groups[name])
        return {k: resolve(v, groups) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, groups) for v in value]
    return value
