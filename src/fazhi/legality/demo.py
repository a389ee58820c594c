"""Demo data for the 合法性审查 register: the county filler and the city/province seeder.

* :func:`fill` (kit hook ``demo_county``): the county 司法局 reviews about 180–230 items a
  year for the county government and its departments (会议纪要, 会议议题 and 合同 most, a few
  规范性文件 and one or two 重大行政决策), and each 乡镇/街道 (its 司法所) one to three of its own.
  About 7% are returned for supplement, about 3% are out of scope and recorded as 不予审查,
  about 40% pass 修改后合法 and 1–2% are found 不合法; 1–3% finish late. Items received
  shortly before ``ctx.as_of`` are still 已收到 / 审查中 / 退回补充, and one is left overdue.
  Every item goes through :mod:`fazhi.legality.services` (timeline, history, audit) inside
  one staged batch (:func:`fazhi.core.staging.staged`: the rows are written in bulk at the end).
* :func:`seed` (kit hook ``demo_scale``): the same mix in bulk for every government of a city
  or province, through ``ctx.writer``, states moved only with ``REVIEWS.advance``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from fazhi.core import staging
from fazhi.core.selectors import rule_for, rules_cache
from fazhi.demo import cases as c
from fazhi.demo.generator import CountyContext
from fazhi.demo.scale import ScaleContext
from fazhi.legality import services as svc
from fazhi.legality.models import Category, Conclusion, Review
from fazhi.legality.rules import DEFAULT_RULE
from fazhi.legality.workflow import REVIEWS
from fazhi.metrics.facts import facts_deferred
from fazhi.orgs.models import OrgUnit

NAME = "legality"  # the RNGs' name: the app label
LABEL = "合法性审查事项"  # in the `fazhi seed` summary

#: Category code → weight among the 司法局's items (a county's typical mix).
COUNTY_MIX: tuple[tuple[str, float], ...] = (
    ("minutes", 26), ("agenda", 24), ("contract", 24), ("gov_doc", 10), ("normative_doc", 5),
    ("enforcement", 4), ("other", 4), ("major_decision", 0.8),
)  # fmt: skip
TOWN_MIX: tuple[tuple[str, float], ...] = (
    ("contract", 45), ("minutes", 25), ("gov_doc", 15), ("enforcement", 5), ("other", 10),
)  # fmt: skip
CONCLUSIONS: tuple[tuple[str, float], ...] = (
    (Conclusion.LAWFUL, 57), (Conclusion.AMENDED, 41), (Conclusion.UNLAWFUL, 1.5),
)  # fmt: skip
SUBJECTS = (
    "城乡生活垃圾分类", "农村集体经营性建设用地入市", "城市道路停车收费", "政府投资项目管理",
    "农村饮水安全工程运行管护", "老旧小区改造", "中小学校服采购", "养老服务补贴发放",
    "涉企行政检查", "行政事业性国有资产管理", "高标准农田建设", "城区扬尘污染防治",
    "工业园区标准厂房租赁", "公共租赁住房", "森林防火", "河道采砂管理", "农贸市场提质改造",
    "政府购买服务", "招商引资优惠政策", "殡葬改革",
)  # fmt: skip
OUT_OF_SCOPE = (
    ("关于{s}工作情况的请示", "属于请示报告，不属于合法性审查范围"),
    ("{s}工作方案", "属于内部工作方案，不属于合法性审查范围"),
    ("关于调整{s}工作领导小组成员的通知", "属于机构人事调整，不属于合法性审查范围"),
    ("机关{s}内部管理制度", "属于行政机关内部管理制度，不属于合法性审查范围"),
)
TITLES: dict[str, str] = {
    "normative_doc": "关于印发《{u}{s}管理办法》的通知（送审稿）",
    "gov_doc": "关于进一步做好{s}工作的通知",
    "major_decision": "{u}{s}实施方案（重大行政决策）",
    "contract": "{u}{s}合同",
    "minutes": "{u}常务会议纪要（{s}）",
    "agenda": "关于提请审议{s}有关事项的议题",
    "enforcement": "{s}重大行政处罚决定",
    "other": "关于{s}有关问题的复函",
}
#: Working days in which a review is usually done, by category (the rest: the default).
USUAL_DAYS = {"normative_doc": (5, 13), "major_decision": (7, 14)}
DEFAULT_USUAL = (2, 8)
REASONS: dict[str, str] = {Conclusion.UNLAWFUL: "缺乏法律依据，增加了相对人义务"}
OPINIONS: dict[str, str] = {
    Conclusion.AMENDED: "建议删除增设许可条件的条款，并补充救济途径",
    Conclusion.UNLAWFUL: "缺乏上位法依据，建议不予通过",
}


@dataclass
class Item:
    unit: OrgUnit
    submitter: OrgUnit
    category: str
    title: str
    received: dt.date


def _title(rng: random.Random, category: str, government: OrgUnit) -> str:
    """A title naming the government the item is for (its full name for a 会议纪要)."""
    place = government.short_name or government.name.removesuffix("人民政府")
    name = government.name if category == "minutes" else place
    return TITLES[category].format(u=name, s=rng.choice(SUBJECTS))


def _reviewers(rng: random.Random, category: str) -> str:
    people = [f"{c.person_name(rng)}（工作人员）"]
    if category in ("normative_doc", "major_decision") or rng.random() < 0.3:
        people.append(f"{c.person_name(rng)}（{rng.choice(['法律顾问', '公职律师'])}）")
    return "、".join(people)


class CountyFiller:
    """Plans and writes the county's items, year by year (see module doc)."""

    def __init__(self, ctx: CountyContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng_for(NAME)
        self.bureau = c.justice_bureau(ctx)
        self.office = c.unit_by_suffix(ctx, "人民政府办公室")
        self.towns = c.townships(ctx)
        self.departments = [ctx.units[p.code] for p in ctx.plan.departments]
        self.written = 0
        self.overdue_left = False

    def plan(self) -> list[Item]:
        rng, items = self.rng, []
        for year in self.ctx.case_years:
            first, last = c.year_bounds(year, self.ctx.as_of)
            share = c.year_share(year, self.ctx.as_of)
            for _ in range(round(rng.randint(180, 230) * share)):
                category = c.weighted(rng, COUNTY_MIX)
                submitter = (
                    self.office
                    if category in ("minutes", "agenda", "gov_doc") or rng.random() < 0.2
                    else rng.choice(self.departments)
                )
                items.append(
                    Item(
                        self.bureau,
                        submitter,
                        category,
                        _title(rng, category, self.ctx.root),
                        c.pick_workday(rng, first, last),
                    )
                )
            for town in self.towns:
                for _ in range(round(rng.randint(1, 3) * share)):
                    category = c.weighted(rng, TOWN_MIX)
                    received = c.pick_workday(rng, first, last)
                    items.append(Item(town, town, category, _title(rng, category, town), received))
        items.sort(key=lambda i: (i.received, i.unit.pk))
        return items

    def run(self) -> int:
        items = self.plan()
        # the last item received 30+ working days before the horizon stays open: overdue
        limit = c.add_workdays(self.ctx.as_of - dt.timedelta(days=60), 1)
        late_open = max(
            (i for i, it in enumerate(items) if it.received <= limit and it.unit == self.bureau),
            default=-1,
        )
        # the county's last item waits for its supplement (退回补充 is seen)
        last = max((i for i, it in enumerate(items) if it.unit == self.bureau), default=-1)
        # facts refreshed once at the end, rows inserted in bulk (staged), rules read once
        with rules_cache(), facts_deferred(), staging.staged():
            for index, item in enumerate(items):
                self.write(item, leave_open=index == late_open, returned=index == last)
        return self.written

    def write(self, item: Item, *, leave_open: bool, returned: bool = False) -> None:
        rng, ctx, horizon = self.rng, self.ctx, self.ctx.as_of
        declined = item.category in ("other", "gov_doc") and rng.random() < 0.3
        title = item.title
        if declined:
            pattern, reason = rng.choice(OUT_OF_SCOPE)
            title = pattern.format(s=rng.choice(SUBJECTS))
        review = svc.review_register(
            actor=ctx.actor,
            unit=item.unit,
            submitter=item.submitter,
            title=title,
            category=item.category,
            received_on=item.received,
        )
        self.written += 1
        start = item.received
        if returned:
            svc.review_return(
                actor=ctx.actor,
                review=review,
                returned_on=item.received,
                return_reason="缺少合法性审查所需的起草说明，请补充",
            )
            return
        if not declined and rng.random() < 0.07:
            returned_on = c.add_workdays(start, rng.randint(1, 2))
            if returned_on > horizon:
                return
            svc.review_return(
                actor=ctx.actor,
                review=review,
                returned_on=returned_on,
                return_reason="缺少起草说明和征求意见情况，请补充",
            )
            start = c.add_workdays(returned_on, rng.randint(2, 8))
            if start > horizon:
                return
            svc.review_supplement(actor=ctx.actor, review=review, supplemented_on=start)
        if rng.random() < 0.5:
            started = c.add_workdays(start, 1)
            if started > horizon:
                return
            svc.review_start(
                actor=ctx.actor,
                review=review,
                started_on=started,
                reviewers=_reviewers(rng, item.category),
            )
        if leave_open:
            return
        low, high = USUAL_DAYS.get(item.category, DEFAULT_USUAL)
        spent = rng.randint(low, high) if rng.random() > 0.02 else high + rng.randint(3, 6)
        done = c.add_workdays(start, spent)
        if done > horizon:
            return
        if declined:
            svc.review_conclude(
                actor=ctx.actor,
                review=review,
                completed_on=c.add_workdays(start, 1),
                conclusion=Conclusion.DECLINED,
                reason=reason,
            )
            return
        conclusion = c.weighted(rng, CONCLUSIONS)
        adopted: bool | None = None
        if conclusion != Conclusion.LAWFUL:
            adopted = c.weighted(rng, ((True, 90.0), (False, 5.0), (None, 5.0)))
        svc.review_conclude(
            actor=ctx.actor,
            review=review,
            completed_on=done,
            conclusion=conclusion,
            reason=REASONS.get(conclusion, ""),
            opinion=OPINIONS.get(conclusion, ""),
            reviewers="" if review.reviewers else _reviewers(rng, item.category),
            adopted=adopted,
        )


def fill(ctx: CountyContext) -> int:
    """The county's 合法性审查 items for ``ctx.case_years``; returns how many were registered."""
    return CountyFiller(ctx).run()


# --- city / province scale ----------------------------------------------------------------
def seed(ctx: ScaleContext) -> int:
    """Sixty to a hundred and twenty items a year per government's 司法局 (scaled by its
    size), in bulk; closed with ``REVIEWS.advance`` when done before the horizon."""
    ctx.writer.register(Review)
    categories = {cat.code: cat for cat in Category.objects.all()}
    days = {
        code: rule_for(cat.period_rule or DEFAULT_RULE).days for code, cat in categories.items()
    }
    pick: Callable[[random.Random, dt.date, dt.date], dt.date] = ctx.pick
    written = 0
    for gov, year in ctx.government_years():
        rng = ctx.rng(gov, NAME)
        unit = gov.justice or gov.unit
        submitters = [gov.unit, *(u for u, _ in gov.members)]
        first, last = c.year_bounds(year, ctx.horizon)
        if first > last:
            continue
        for n in range(1, ctx.count(rng, gov, (60, 120)) + 1):
            code = c.weighted(rng, COUNTY_MIX)
            received = pick(rng, first, last)
            review = Review(
                unit=unit,
                submitter=rng.choice(submitters),
                category=categories[code],
                category_code=code,
                number=svc.NUMBER_FORMAT.format(year=year, n=n),
                title=_title(rng, code, gov.unit),
                received_on=received,
                period_start=received,
                due_on=ctx.due(received, (days[code], "working")),
            )
            low, high = USUAL_DAYS.get(code, DEFAULT_USUAL)
            done = ctx.add_workdays(received, rng.randint(low, high))
            if done <= ctx.horizon:
                REVIEWS.advance(review, "conclude")
                review.completed_on = done
                review.conclusion = c.weighted(rng, CONCLUSIONS)
                review.reason = REASONS.get(review.conclusion, "")
                review.on_time = done <= review.due_on
            ctx.writer.add(review)
            written += 1
    return written
