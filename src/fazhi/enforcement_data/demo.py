"""Demo county filler: a year of 执法 records for the 执法主体 the enforcement filler wrote
(kit order 57 < 61), through the ingest path (one batch: check, staging, one INSERT, facts).

≤ ~4,000 rows (the shared test fixture stays fast). A few enterprises are inspected by two
different departments within 30 days, so the 涉企检查 alerts have something to show. No
执法主体 in the county: nothing is written."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from fazhi.enforcement.gates import certificate_problem
from fazhi.enforcement.models import DATA_CATEGORIES, Officer, Subject
from fazhi.enforcement_data.checks import (
    CREDIT_CHARS,
    OFFICER_KINDS,
    PUBLICITY_RULES,
    credit_check_char,
)
from fazhi.enforcement_data.ingest import ingest_rows
from fazhi.enforcement_data.models import Kind, Source

NAME = "enforcement_data"
LABEL = "行政执法记录"
#: Rows for the whole county (split over its 执法主体).
TOTAL = 4000
#: Kinds by weight: inspections and licences are most of a county's 执法.
WEIGHTS = {
    Kind.INSPECTION: 40,
    Kind.LICENSE: 35,
    Kind.PENALTY: 18,
    Kind.COERCION: 4,
    Kind.LEVY: 2,
    Kind.REQUISITION: 1,
}
CAUSES = {
    Kind.LICENSE: ["经营许可", "建设工程许可", "卫生许可", "道路运输许可"],
    Kind.PENALTY: ["无证经营", "违法建设", "食品安全", "环境污染", "安全生产", "交通运输"],
    Kind.COERCION: ["查封场所设施", "扣押财物", "强制拆除"],
    Kind.LEVY: ["土地征收", "排污费征收"],
    Kind.REQUISITION: ["应急征用"],
    Kind.INSPECTION: ["日常检查", "双随机抽查", "专项检查", "投诉举报核查"],
}


def _credit_code(rng: random.Random) -> str:
    body = "91430199" + "".join(rng.choice(CREDIT_CHARS[:10]) for _ in range(9))
    return body + credit_check_char(body)


def _day(rng: random.Random, year: int, last: dt.date) -> dt.date:
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), last)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def fill(ctx: Any) -> int:
    rng = ctx.rng_for(NAME)
    year = ctx.last_year
    as_of: dt.date = ctx.as_of
    subjects = list(
        Subject.objects.filter(unit__path__startswith=ctx.root.path, active=True)
        .select_related("unit")
        .order_by("pk")
    )
    if not subjects:
        return 0
    officers: dict[int, list[Officer]] = defaultdict(list)
    for o in Officer.objects.filter(subject__in=subjects).exclude(cert_number="").order_by("pk"):
        assert o.subject_id is not None
        officers[o.subject_id].append(o)
    enterprises = [_credit_code(rng) for _ in range(60)]
    rows: list[dict[str, Any]] = []
    per_subject = max(TOTAL // len(subjects), 1)
    for subject in subjects:
        kinds = [k for k in DATA_CATEGORIES if subject.has_category(k)]
        if not subject.categories:
            kinds = list(DATA_CATEGORIES)
        if not kinds:
            continue  # e.g. only 行政给付: none of the six kinds
        choices = [Kind(k) for k in kinds]
        weights = [WEIGHTS[k] for k in choices]
        for n in range(per_subject):
            kind = rng.choices(choices, weights)[0]
            decided = _day(rng, year, as_of)
            valid = [o for o in officers[subject.pk] if not certificate_problem(o, decided)]
            if kind in OFFICER_KINDS and not valid:
                continue
            row = _row(rng, subject, kind, decided, valid, enterprises, n)
            rows.append(row)
    rows += _repeat_inspections(rng, subjects, officers, enterprises, year, as_of)
    result = ingest_rows(
        actor=ctx.actor,
        rows=list(enumerate(rows, start=1)),
        unit=ctx.root,
        source=Source.DEMO,
        file_name="演示数据",
        today=as_of,
    )
    if result.errors:
        raise RuntimeError("演示执法数据未通过校验：" + "；".join(map(str, result.errors[:5])))
    return result.loaded


def _row(
    rng: random.Random,
    subject: Subject,
    kind: Kind,
    decided: dt.date,
    valid: list[Officer],
    enterprises: list[str],
    n: int,
) -> dict[str, Any]:
    prefix = {"license": "许", "penalty": "罚", "coercion": "强", "levy": "征", "requisition": "用"}
    short = subject.unit.short_name or subject.unit.name[:4]
    number = f"{short}{prefix.get(kind, '检')}〔{decided.year}〕{n + 1}号"
    row: dict[str, Any] = {
        "unit": subject.unit.code,
        "subject": subject.name,
        "kind": kind.value,
        "case_number": number[:60],
        "decided_on": decided,
        "cause": rng.choice(CAUSES[kind]),
        "officers": "、".join(o.cert_number for o in rng.sample(valid, min(2, len(valid)))),
    }
    if kind == Kind.PENALTY:
        row["amount"] = rng.choice([200, 500, 1000, 2000, 5000, 10000, 30000, 50000])
    if kind in (Kind.PENALTY, Kind.COERCION) and rng.random() < 0.06:
        row["major"] = True
        row["legal_review"] = rng.random() < 0.9
    if kind in PUBLICITY_RULES:
        luck = rng.random()
        if luck < 0.9:
            row["published_on"] = decided + dt.timedelta(days=rng.randint(0, 5))
        elif luck < 0.96:
            row["published_on"] = decided + dt.timedelta(days=rng.randint(20, 45))
    if kind in (Kind.INSPECTION, Kind.PENALTY, Kind.LICENSE) and rng.random() < 0.5:
        row["enterprise"] = True
        row["credit_code"] = rng.choice(enterprises)
    if row.get("published_on") and row["published_on"] > dt.date(decided.year, 12, 31):
        row["published_on"] = min(row["published_on"], decided + dt.timedelta(days=5))
    return row


def _repeat_inspections(
    rng: random.Random,
    subjects: list[Subject],
    officers: dict[int, list[Officer]],
    enterprises: list[str],
    year: int,
    as_of: dt.date,
) -> list[dict[str, Any]]:
    """Three enterprises each inspected by two departments 10–25 days apart."""
    inspecting = [s for s in subjects if s.has_category(Kind.INSPECTION) or not s.categories]
    by_unit: dict[int, Subject] = {}
    for s in inspecting:
        by_unit.setdefault(s.unit_id, s)
    pair = list(by_unit.values())
    rows: list[dict[str, Any]] = []
    if len(pair) < 2:
        return rows
    for i, code in enumerate(enterprises[:3]):
        first, second = rng.sample(pair, 2)
        day = dt.date(year, 3 + 3 * i, 5)
        for subject, when in ((first, day), (second, day + dt.timedelta(days=rng.randint(10, 25)))):
            if when > as_of:
                continue
            valid = [o for o in officers[subject.pk] if not certificate_problem(o, when)]
            if not valid:
                continue
            row = _row(rng, subject, Kind.INSPECTION, when, valid, enterprises, 9000 + i)
            row.update(enterprise=True, credit_code=code, cause="专项检查")
            row["case_number"] = f"{subject.unit.code}检〔{year}〕涉企{i + 1}号"
            rows.append(row)
    return rows
