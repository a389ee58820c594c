"""Rows for metric tests, built directly with the ORM (fields set as the services would)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models

from fazhi.litigation.models import Hearing, LitigationCase
from fazhi.metrics.facts import facts_after_bulk
from fazhi.metrics.services import DEFINITIONS_FIXTURE
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.slots import fill_slots
from fazhi.reconsideration.models import ReconsiderationCase

M = TypeVar("M", bound=models.Model)

_numbers = itertools.count(1)

CORRECTING = ["vary", "annul", "partial_annul", "confirm_illegal", "confirm_void", "order_perform"]


def recon(
    unit: OrgUnit,
    *,
    received_on: dt.date,
    respondent: OrgUnit | None = None,
    **fields: Any,
) -> ReconsiderationCase:
    """An unsaved 复议 case kept by ``unit`` (for ``bulk_create``)."""
    return ReconsiderationCase(
        number=f"湘复〔T〕{next(_numbers)}号",
        unit=unit,
        authority="湘江县人民政府",
        respondent=respondent,
        respondent_name=respondent.name if respondent else "某市场监督管理局",
        act_category="penalty",
        received_on=received_on,
        **fields,
    )


def closed(
    unit: OrgUnit,
    closed_on: dt.date,
    outcome: str,
    *,
    days: int | None = 30,
    on_time: bool | None = True,
    respondent: OrgUnit | None = None,
) -> ReconsiderationCase:
    """An unsaved 审结 case: accepted ``days`` before ``closed_on`` (30 when ``days`` is None)."""
    accepted_on = closed_on - dt.timedelta(days=days if days is not None else 30)
    return recon(
        unit,
        received_on=accepted_on - dt.timedelta(days=3),
        respondent=respondent,
        status="closed",
        accepted_on=accepted_on,
        acceptance_kind="decided",
        procedure="ordinary",
        closed_on=closed_on,
        outcome=outcome,
        closed_on_time=on_time,
        handling_days=days,
    )


def bulk(model: type[M], rows: Iterable[M]) -> list[M]:
    """``bulk_create`` skips ``save()``: fill the denormalised tree slots first, as seeders do."""
    rows = list(rows)
    for row in rows:
        fill_slots(row)
    created = model._default_manager.bulk_create(rows)
    facts_after_bulk(model, created)  # nor does it keep the monthly facts: refresh them too
    return created


def save_recon(*cases: ReconsiderationCase) -> list[ReconsiderationCase]:
    return bulk(ReconsiderationCase, cases)


def lawsuit(
    unit: OrgUnit,
    *,
    filed_on: dt.date,
    hearings: Sequence[tuple[dt.date, bool]] = (),
    judged_on: dt.date | None = None,
    result: str = "",
    is_loss: bool = False,
) -> LitigationCase:
    """A saved 应诉 case with its hearings; the case's hearing summary fields kept in step."""
    case = LitigationCase.objects.create(
        number=f"（2024）湘0199行初{next(_numbers)}号",
        court="湘江县人民法院",
        unit=unit,
        filed_on=filed_on,
        status="closed" if judged_on else "pending",
        judged_on=judged_on,
        result=result,
        is_loss=is_loss,
        hearing_count=len(hearings),
        first_hearing_on=min((d for d, _ in hearings), default=None),
        head_appeared=any(appeared for _, appeared in hearings),
    )
    bulk(
        Hearing, (Hearing(case=case, held_on=d, head_appeared=appeared) for d, appeared in hearings)
    )
    return case


def shipped_codes(year: int) -> set[str]:
    """The codes of the metric definitions every register's fixture ships in force in ``year``
    (read from the fixtures, not the database: what the tests expect the engine to list)."""
    data = json.loads(DEFINITIONS_FIXTURE.read_text(encoding="utf-8"))
    return {
        d["code"]
        for d in data["definitions"]
        if d["valid_from_year"] <= year
        and (d["valid_to_year"] is None or year <= d["valid_to_year"])
    }
