"""Demo data of the 三项制度 registers for the demo county (kit hook ``demo_county``).

For every active 执法主体 of the county (written by the ``enforcement`` filler, kit order 57):

* 事前公示: most of the ten items, published early in the first demo year (a few missing, so
  the checklists show gaps);
* 音像记录事项清单: two to four lines;
* 行政执法数据公开 for the last two data years: most published in January of the next year
  (counts frozen from the 执法数据 register, filled by ``enforcement_data`` at kit order 61),
  a couple late, one not published (逾期未公开 once the due date is past);
* 重大执法决定: a few in the last year in every state — 已登记, 法制审核中 (review open), one
  blocked (review concluded 不合法), 已作出决定;
* 公示撤回: a handful, one withdrawn late and one not withdrawn (逾期未撤回 once its period
  has passed by ``ctx.as_of``).

Everything goes through :mod:`fazhi.enforcement_oversight.services` (timeline, history, audit),
randomness from ``ctx.rng_for(NAME)``, dates inside ``ctx.year_range`` and never after
``ctx.as_of``. The 涉企重复检查 alerts are not written: they are read from the 执法数据 records.
"""

from __future__ import annotations

import datetime as dt
import random

from fazhi.demo.generator import CountyContext
from fazhi.enforcement.models import Subject
from fazhi.enforcement_oversight import services as svc
from fazhi.enforcement_oversight.models import (
    ChangeKind,
    DisclosureItem,
    MajorCase,
    MajorDecision,
    RecordingMethod,
)
from fazhi.legality import services as legality

NAME = "enforcement_oversight"  # the RNGs' name: the app label
LABEL = "三项制度事项"  # in the `fazhi seed` summary

AV, TEXT = RecordingMethod.AUDIO_VIDEO, RecordingMethod.TEXT
MATTERS = (
    ("查封、扣押场所、设施或者财物", "coercion", AV, "《行政强制法》第十八条"),
    ("现场检查（涉及重大财产权益）", "inspection", AV, "《行政处罚法》第四十七条"),
    ("强制拆除违法建筑物", "coercion", AV, "《行政强制法》第四十四条"),
    ("听证", "penalty", AV, "《行政处罚法》第六十四条"),
    ("送达行政处罚决定书", "penalty", TEXT, "《行政处罚法》第六十一条"),
    ("行政许可现场核查", "license", TEXT, "《行政许可法》第三十四条"),
    ("责令停产停业", "penalty", AV, "《行政处罚法》第九条"),
)  # fmt: skip
CASES = ("违法占用耕地", "无证经营", "超标排放污染物", "销售不合格产品", "违法建设", "非法采砂")


def _day(ctx: CountyContext, day: dt.date) -> dt.date:
    return min(day, ctx.as_of)


def fill(ctx: CountyContext) -> int:
    """Write the county's 三项制度 rows; returns how many rows were registered."""
    rng = ctx.rng_for(NAME)
    actor = ctx.actor
    root_path = ctx.root.path
    subjects = list(
        Subject.objects.filter(active=True, unit__path__startswith=root_path)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    if not subjects:
        return 0
    first_year, last_year = ctx.year_range[0], ctx.year_range[-1]
    written = 0
    items = list(DisclosureItem.values)
    for s in subjects:
        kept = [i for i in items if rng.random() > 0.08]
        for item in kept:
            svc.disclosure_register(
                actor=actor,
                subject=s,
                item=item,
                published_on=dt.date(first_year, 1, 1) + dt.timedelta(days=rng.randint(10, 80)),
                place=f"{ctx.root.name}门户网站“行政执法公示”专栏",
            )
            written += 1
        for matter, category, method, basis in rng.sample(MATTERS, rng.randint(2, 4)):
            svc.recording_item_register(
                actor=actor,
                subject=s,
                matter=matter,
                category=category,
                method=method,
                basis=basis,
            )
            written += 1
    written += _publications(ctx, rng, subjects)
    written += _majors(ctx, rng, subjects, last_year)
    written += _withdrawals(ctx, rng, subjects, last_year)
    return written


def _publications(ctx: CountyContext, rng: random.Random, subjects: list[Subject]) -> int:
    written = 0
    for year in ctx.year_range[-2:]:
        order = list(subjects)
        rng.shuffle(order)
        late = {s.pk for s in order[:2]}
        missing = {s.pk for s in order[2:3]}
        for s in subjects:
            p = svc.publication_open(actor=ctx.actor, subject=s, year=year)
            written += 1
            if s.pk in missing:
                if p.due_on < ctx.as_of:  # what the daily sweep would have done
                    svc.publication_lapse(actor=ctx.actor, publication=p)
                continue
            if s.pk in late:
                day = dt.date(year + 1, 2, 1) + dt.timedelta(days=rng.randint(3, 20))
            else:
                day = dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(4, 29))
            if day > ctx.as_of:
                continue
            svc.publication_publish(
                actor=ctx.actor,
                publication=p,
                published_on=day,
                place=f"{s.unit.name}门户网站“行政执法数据公开”栏目",
            )
            report_on = day + dt.timedelta(days=rng.randint(1, 6))
            if report_on <= ctx.as_of:
                svc.publication_report(actor=ctx.actor, publication=p, reported_on=report_on)
    return written


def _majors(ctx: CountyContext, rng: random.Random, subjects: list[Subject], year: int) -> int:
    chosen = rng.sample(subjects, min(len(subjects), 6))
    states = ["decided", "blocked", "reviewing", "registered", "decided", "decided"]
    written = 0
    end = min(dt.date(year, 12, 31), ctx.as_of)
    for n, (s, state) in enumerate(zip(chosen, states, strict=False), start=1):
        span = 40 if state in ("decided", "blocked") else 3
        registered = end - dt.timedelta(days=rng.randint(span, span + 60))
        if state in ("reviewing", "registered"):
            registered = end - dt.timedelta(days=rng.randint(0, 2))
        cause = rng.choice(CASES)
        d = svc.major_register(
            actor=ctx.actor,
            subject=s,
            case_number=f"{s.unit.short_name or s.unit.name}罚决字〔{year}〕{100 + n}号",
            title=f"{cause}案",
            major_case=rng.choice(list(MajorCase.values)),
            proposal=f"拟对当事人{cause}行为处以罚款并责令改正",
            registered_on=registered,
        )
        written += 1
        if state == "registered":
            continue
        submitted = min(registered + dt.timedelta(days=rng.randint(0, 2)), end)
        d = svc.major_submit_review(actor=ctx.actor, decision=d, submitted_on=submitted)
        if state == "reviewing":
            continue
        review = d.legality_review
        assert review is not None
        done_on = submitted + dt.timedelta(days=rng.randint(3, 10))
        conclusion = "unlawful" if state == "blocked" else rng.choice(["lawful", "amended"])
        legality.review_conclude(
            actor=ctx.actor,
            review=review,
            completed_on=done_on,
            conclusion=conclusion,
            reason="拟处罚幅度超出裁量基准" if conclusion == "unlawful" else "",
        )
        if state == "decided":
            d = MajorDecision.objects.get(pk=d.pk)
            svc.major_decide(
                actor=ctx.actor,
                decision=d,
                decided_on=done_on + dt.timedelta(days=rng.randint(1, 5)),
                decision_text=f"对当事人{cause}行为作出行政处罚决定",
            )
    return written


def _withdrawals(ctx: CountyContext, rng: random.Random, subjects: list[Subject], year: int) -> int:
    written = 0
    end = min(dt.date(year, 12, 31), ctx.as_of)
    kinds = list(ChangeKind.values)
    for n in range(1, rng.randint(4, 7) + 1):
        s = rng.choice(subjects)
        changed = end - dt.timedelta(days=rng.randint(20, 300))
        late = n == 1
        w = svc.withdrawal_register(
            actor=ctx.actor,
            subject=s,
            document_number=f"{s.unit.short_name or s.unit.name}罚决字〔{year}〕{n}号",
            change_kind=rng.choice(kinds),
            changed_on=changed,
        )
        written += 1
        withdrawn = w.due_on + dt.timedelta(days=rng.randint(2, 6)) if late else changed
        if not late:
            withdrawn = changed + dt.timedelta(days=rng.randint(0, 2))
            withdrawn = min(withdrawn, w.due_on)
        svc.withdrawal_withdraw(
            actor=ctx.actor,
            withdrawal=w,
            withdrawn_on=min(withdrawn, ctx.as_of),
            explanation="原决定已被依法变更（撤销），现撤回公示信息",
        )
    s = rng.choice(subjects)
    w = svc.withdrawal_register(
        actor=ctx.actor,
        subject=s,
        document_number=f"{s.unit.short_name or s.unit.name}罚决字〔{year}〕99号",
        change_kind=ChangeKind.ANNULLED,
        changed_on=end - dt.timedelta(days=1),
    )
    if w.due_on < ctx.as_of:  # not withdrawn: what the daily sweep would have done
        svc.withdrawal_lapse(actor=ctx.actor, withdrawal=w)
    return written + 1
