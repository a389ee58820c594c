"""Excel import/export for a register with one row per record, from its spec and its 登记
service: no import code of the register's own (see :func:`register_excel`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import models

from fazhi.core.excel import (
    ExcelRegister,
    ImportResult,
    Progress,
    Spec,
    Step,
    UnitMatcher,
    export_xlsx,
    read_xlsx,
    run_import,
)
from fazhi.core.registers import Register
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope


def register_excel(
    register: Register[Any],
    spec: Spec,
    *,
    year_field: str,
    unit_help: str,
    title: str = "",
    noun: str = "",
    measure: str = "件",
    fields: Mapping[str, str] | None = None,
) -> ExcelRegister:
    """The :class:`ExcelRegister` of a register whose workbook has one row per record.

    Importing checks every row (:func:`read_xlsx`, units matched in the importing unit's
    subtree), then creates each clean row with ``register.create(actor, values)`` — the
    register's 登记 service, called with the row's non-blank values by column ``key`` (so the
    keys are the service's keyword names; a :attr:`Kind.UNIT` column passes an ``OrgUnit``) —
    in file order, all or nothing (:func:`run_import`). A service's ``ValidationError`` keys
    name the columns; ``fields`` maps other keys (e.g. ``{"date": "聘期开始日期"}``).

    Exporting writes each exportable column from the record's attribute named by its ``key``
    (a choice column shows its label, a unit its name) for the records the actor sees
    (``register.queryset``), those whose ``year_field`` falls in the year when one is given.
    The register key, shared with the list page's 导入Excel button, is ``register.key``;
    ``title`` defaults to the register's title.
    """
    other_keys, first = dict(fields or {}), spec.template_columns[0].header

    def import_xlsx(
        data: bytes,
        *,
        actor: Actor,
        unit: OrgUnit,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult:
        actor.require(Cap.EDIT_RECORDS)
        require_unit_in_scope(unit, actor)
        sheet = read_xlsx(spec, data, units=UnitMatcher(unit))
        bad = {error.row for error in sheet.errors}
        groups = [
            [Step(row.number, first, partial(register.create, actor, row.values), None, other_keys)]
            for row in sheet.rows
            if row.number not in bad
        ]
        return run_import(
            spec,
            groups,
            sheet.errors,
            rows=sheet.rows,
            dry_run=dry_run,
            progress=progress,
            actor=actor,
        )

    def export_queryset(actor: Actor, year: int | None = None) -> models.QuerySet[Any]:
        qs = register.queryset(actor)
        if year is not None:
            start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
            qs = qs.filter(**{f"{year_field}__gte": start, f"{year_field}__lt": end})
        return qs

    def export_register(qs: models.QuerySet[Any]) -> bytes:
        keys = [c.key for c in spec.export_columns]
        rows = ({key: getattr(obj, key, None) for key in keys} for obj in qs.iterator(1000))
        return export_xlsx(spec, rows)

    return ExcelRegister(
        key=register.key,
        title=title or register.title,
        spec=spec,
        import_xlsx=import_xlsx,
        export_queryset=export_queryset,
        export_xlsx=export_register,
        unit_help=unit_help,
        noun=noun,
        measure=measure,
    )
