"""Demo county filler: one 案卷评查 campaign of the last demo year, organised by the county
司法局 over the departments with the most 行政处罚/行政许可 records (H3's filler runs first, kit
order 61 < 64), five files drawn per department (≈30), crossed so that every department is
reviewed by the next one, scored through the services with a realistic spread (most files
合格 or 优秀, a few deductions each, one or two vetoed), and a 整改通知 to every department with
deductions: some already replied and approved, some in progress, one not started.

With no 执法 records in the county the files are chosen by hand-made 文书号 (``file_add`` with
the kind and date). Only services write; randomness from ``ctx.rng_for(NAME)``; every date
inside the last demo year (or ``ctx.as_of``), never the clock."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from fazhi.case_review import services as svc
from fazhi.case_review.models import Item, Standard, StandardStatus
from fazhi.demo.cases import justice_bureau
from fazhi.demo.generator import CountyContext
from fazhi.enforcement_data.models import Record
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.scoping import Actor

NAME = "case_review"
LABEL = "评查案卷"
UNITS = 6  # departments reviewed
PER_UNIT = 5
KINDS = ["penalty", "license"]
NOTES = {
    "fixed": "经查阅卷宗，存在该问题",
    "per_instance": "卷内多处存在该问题",
    "range": "问题较为明显，酌情扣分",
    "veto": "经集体评议，认定该问题成立",
}


def _at(day: dt.date) -> dt.datetime:
    from fazhi.plans.demo_fillers import at

    result: dt.datetime = at(day)
    return result


def fill(ctx: CountyContext) -> int:
    rng = ctx.rng_for(NAME)
    year = ctx.last_year
    drawn_on = ctx.by_today(dt.date(year, 10, 15))
    if drawn_on.year != year:
        return 0
    organiser = justice_bureau(ctx)
    standard = Standard.objects.filter(owner=None, status=StandardStatus.ACTIVE).first()
    if standard is None:
        standard = svc.sample_sync()
    counts = Counter(
        Record.objects.filter(unit__path__startswith=ctx.root.path, year=year, kind__in=KINDS)
        .exclude(unit=organiser)
        .values_list("unit_id", flat=True)
    )
    chosen_ids = [pk for pk, n in counts.most_common() if n >= PER_UNIT][:UNITS]
    by_hand = not chosen_ids
    if by_hand:
        units = list(
            OrgUnit.objects.filter(parent=ctx.root, kind=UnitKind.DEPARTMENT)
            .exclude(pk=organiser.pk)
            .order_by("path")[:UNITS]
        )
    else:
        found = {u.pk: u for u in OrgUnit.objects.filter(pk__in=chosen_ids)}
        units = [found[pk] for pk in chosen_ids]
    if len(units) < 2:
        return 0
    actor = ctx.actor
    campaign = svc.campaign_create(
        actor=actor,
        organiser=organiser,
        year=year,
        title=f"{year}年度行政执法案卷评查",
        standard=standard,
        units=units,
        kinds=KINDS,
        per_unit=PER_UNIT,
    )
    for i, unit in enumerate(units):  # 交叉评查: each department reviews the next one
        svc.reviewer_assign(
            actor=actor, campaign=campaign, unit=unit, reviewer_unit=units[(i + 1) % len(units)]
        )
    if by_hand:
        for unit in units:
            for n in range(1, PER_UNIT + 1):
                svc.file_add(
                    actor=actor,
                    campaign=campaign,
                    unit=unit,
                    case_number=f"{unit.short_name or unit.name}罚〔{year}〕{n * 7}号",
                    kind=KINDS[n % 2],
                    decided_on=dt.date(year, 1 + n * 2, 10),
                    subject_name=unit.name,
                )
        campaign.refresh_from_db()
    else:
        svc.files_draw(actor=actor, campaign=campaign, seed=rng.randrange(1, 2**40), on=drawn_on)
    items = list(Item.objects.filter(part__standard=standard).select_related("part"))
    vetoes = [i for i in items if i.kind == "veto"]
    others = [i for i in items if i.kind != "veto"]
    made = 0
    for case_file in campaign.files.select_related("reviewer_unit").order_by("pk"):
        marks: dict[int, svc.MarkInput] = {}
        if rng.random() < 0.05 and vetoes:
            item = rng.choice(vetoes)
            marks[item.pk] = svc.MarkInput(veto=True, note=NOTES["veto"])
        for item in rng.sample(others, rng.choice((0, 1, 2, 2, 3, 3, 4, 5))):
            if item.kind == "fixed":
                mark = svc.MarkInput(instances=1, note=NOTES["fixed"])
            elif item.kind == "per_instance":
                mark = svc.MarkInput(instances=rng.randint(1, 3), note=NOTES["per_instance"])
            else:
                steps = int((item.high - item.low) * 2)
                amount = item.low + Decimal(rng.randint(0, steps)) / 2
                mark = svc.MarkInput(amount=amount, note=NOTES["range"])
            marks[item.pk] = mark
        reviewer = Actor.command_line(case_file.reviewer_unit)
        svc.file_score(actor=reviewer, case_file=case_file, marks=marks)
        day = ctx.by_today(drawn_on + dt.timedelta(days=rng.randint(7, 30)))
        svc.file_submit(actor=reviewer, case_file=case_file, on=day)
        made += 1
    _rectify(ctx, campaign, units, rng)
    return made


def _rectify(ctx: CountyContext, campaign: object, units: list[OrgUnit], rng: object) -> None:
    """整改通知 to each department with deductions; replies for some (through plans)."""
    import random

    from fazhi.plans.services import report_review, report_submit

    assert isinstance(rng, random.Random)
    year = ctx.last_year
    issued = ctx.by_today(dt.date(year, 11, 20))
    if issued.year != year:
        return
    reviewer = Actor.command_line(campaign.organiser)  # type: ignore[attr-defined]
    for n, unit in enumerate(units):
        if not svc.deductions_of(campaign, unit):  # type: ignore[arg-type]
            continue
        rect = svc.rectification_issue(
            actor=ctx.actor,
            campaign=campaign,  # type: ignore[arg-type]
            unit=unit,
            due_on=dt.date(year, 12, 31),
            issued_on=issued,
        )
        fate = n % 3  # 0: replied and approved, 1: replied (in progress), 2: not started
        reply_on = issued + dt.timedelta(days=rng.randint(5, 20))
        if fate == 2 or reply_on > ctx.as_of:
            continue
        report = report_submit(
            actor=Actor.command_line(unit),
            assignment=rect.assignment,
            text="已对评查指出的问题逐项整改：补正了文书，规范了卷宗装订，组织了执法人员专题学习。",
            claims_completion=fate == 0,
            at=_at(reply_on),
        )
        review_on = reply_on + dt.timedelta(days=2)
        if fate == 0 and review_on <= ctx.as_of:
            report_review(actor=reviewer, report=report, approve=True, at=_at(review_on))
