"""Demo data for the 规范性文件 register.

* :func:`fill` (kit hook ``demo_county``) walks about eight documents a year of the county
  government, its departments and townships through the services — 登记, 征求意见, 送合法性审核
  (a real item in the legality register, concluded there), 集体审议, 公布, 报送备案 and the
  备案机关's result — so every document has its timeline and audit entries. Relative to
  ``ctx.as_of`` it makes every state and warning appear: documents in consultation and awaiting
  review, published and filed, a 暂缓 filing not corrected in time (overdue), one expiring
  within six months, one expired, one replaced by its 修改重发 successor, one 不予备案 with its
  纠错, and one 清理 campaign with the three outcomes. Dates never pass ``ctx.as_of``;
  randomness only from ``ctx.rng_for(NAME)``.
* :func:`seed` (kit hook ``demo_scale``) writes published documents in bulk (moved by the
  declared 登记已公布文件 step, never by assigning ``status``); their filings are not seeded.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Q

from fazhi.demo.generator import CountyContext
from fazhi.demo.scale import ScaleContext
from fazhi.normative_docs import rules
from fazhi.normative_docs import services as s
from fazhi.normative_docs.models import Document, FilingResult, Outcome, Status
from fazhi.normative_docs.workflow import DOCUMENTS
from fazhi.orgs.models import OrgUnit, UnitKind

NAME = "normative_docs"  # the RNGs' name: the app label
LABEL = "规范性文件"  # in the `fazhi seed` summary
PER_YEAR = (5, 7)
SUBJECTS = (
    "城市道路管理",
    "农村集体资产管理",
    "政府投资项目管理",
    "行政事业性收费管理",
    "住房保障",
    "城乡居民医疗救助",
    "生活垃圾分类管理",
    "校外培训机构监管",
    "农村宅基地审批管理",
    "建筑工地扬尘治理",
    "公共资源交易管理",
    "养老服务补贴发放",
    "市场摊位管理",
    "殡葬管理",
    "城镇燃气安全管理",
    "就业创业补贴",
    "河道采砂管理",
    "耕地保护补偿",
)
KINDS = ("办法", "规定", "实施细则", "暂行办法", "试行办法")


def _title(rng: random.Random, unit: OrgUnit, used: set[str]) -> str:
    base = (unit.short_name or unit.name).removesuffix("人民政府")
    while True:
        title = f"{base}{rng.choice(SUBJECTS)}{rng.choice(KINDS)}"
        if title not in used:
            used.add(title)
            return title


class _Walker:
    """Takes one document as far as its dates allow before ``as_of``."""

    def __init__(self, ctx: CountyContext, rng: random.Random) -> None:
        self.ctx, self.rng, self.as_of = ctx, rng, ctx.as_of
        self.numbers: dict[tuple[int, int], int] = {}

    def number(self, unit: OrgUnit, year: int) -> tuple[str, str]:
        n = self.numbers.get((unit.pk, year), 0) + 1
        self.numbers[(unit.pk, year)] = n
        short = (unit.short_name or unit.name)[:2]
        return f"{unit.code}-{year}-{n:03d}", f"{short}规〔{year}〕{n}号"

    def walk(
        self,
        unit: OrgUnit,
        title: str,
        drafted: dt.date,
        *,
        replaces: Document | None = None,
        stop: str = "",
        **publish: Any,
    ) -> Document | None:
        from fazhi.legality.services import review_conclude

        actor, rng, as_of = self.ctx.actor, self.rng, self.as_of
        if drafted > as_of:
            return None
        doc = s.document_register(
            actor=actor,
            unit=unit,
            title=title,
            drafted_on=drafted,
            drafting_office="法制科",
            replaces=replaces,
        )
        start = drafted + dt.timedelta(days=rng.randint(3, 10))
        end = rules.due(rules.CONSULTATION, unit, start)
        if start > as_of:
            return doc
        doc = s.document_consult(
            actor=actor,
            document=doc,
            consult_start=start,
            consult_end=end,
            consult_method="政府网站公开征求意见",
        )
        sent = end + dt.timedelta(days=rng.randint(1, 5))
        if stop == "consulting" or sent > as_of:
            return doc
        doc = s.document_send_review(actor=actor, document=doc, sent_on=sent)
        review = doc.legality_review
        assert review is not None
        done = sent + dt.timedelta(days=rng.randint(6, 14))
        if stop == "reviewing" or done > as_of:
            return doc
        conclusion = "amended" if rng.random() < 0.3 else "lawful"
        review_conclude(actor=actor, review=review, completed_on=done, conclusion=conclusion)
        met = done + dt.timedelta(days=rng.randint(3, 12))
        if met > as_of:
            return doc
        doc = s.document_deliberate(
            actor=actor, document=doc, meeting="政府常务会议", deliberated_on=met
        )
        published = met + dt.timedelta(days=rng.randint(2, 10))
        if stop == "deliberated" or published > as_of:
            return doc
        register_no, number = self.number(unit, published.year)
        return s.document_publish(
            actor=actor,
            document=doc,
            register_no=register_no,
            doc_number=number,
            published_on=published,
            **publish,
        )

    def file(
        self,
        doc: Document,
        *,
        late: bool = False,
        result: str = FilingResult.REGISTERED,
        correct: bool = True,
    ) -> None:
        actor, rng, as_of = self.ctx.actor, self.rng, self.as_of
        for filing in doc.filings.all():
            sent = (
                filing.due_on + dt.timedelta(days=rng.randint(2, 9))
                if late
                else (filing.published_on + dt.timedelta(days=rng.randint(5, 20)))
            )
            if sent > as_of:
                continue
            s.document_submit_filing(actor=actor, document=doc, filing=filing, submitted_on=sent)
            decided = sent + dt.timedelta(days=rng.randint(5, 20))
            if decided > as_of:
                continue
            notes: dict[str, str] = {
                FilingResult.SUSPENDED.value: "缺少起草说明和合法性审核意见书",
                FilingResult.REJECTED.value: "设定了行政许可，超越权限",
            }
            note = notes.get(str(result), "")
            chosen = result if filing.authority_id else FilingResult.REGISTERED
            s.document_record_result(
                actor=actor,
                document=doc,
                filing=filing,
                result=chosen,
                result_on=decided,
                result_note=note,
            )
            filing.refresh_from_db()
            if chosen == FilingResult.REJECTED:
                fixed = decided + dt.timedelta(days=rng.randint(10, 25))
                if fixed <= as_of:
                    s.document_rectify(
                        actor=actor,
                        document=doc,
                        filing=filing,
                        rectified_on=fixed,
                        rectification="停止执行第五条，修改后重新发布",
                    )
            if chosen == FilingResult.SUSPENDED and correct and filing.correction_due:
                fixed = decided + dt.timedelta(days=rng.randint(5, 12))
                if fixed <= as_of:
                    s.document_correct_filing(
                        actor=actor, document=doc, filing=filing, corrected_on=fixed
                    )


def fill(ctx: CountyContext) -> int:
    """About eight documents a year and one 清理 in the last year; returns how many were
    registered."""
    rng = ctx.rng_for(NAME)
    units = list(ctx.units.values())
    towns = [u for u in units if u.kind == UnitKind.TOWNSHIP]
    depts = [u for u in units if u.kind == UnitKind.DEPARTMENT and u.parent_id == ctx.root.pk]
    makers = [ctx.root, ctx.root, *towns[:3], *depts[:4]]
    w, used, written = _Walker(ctx, rng), set[str](), 0
    as_of = ctx.as_of
    first_published: list[Document] = []
    for year in ctx.case_years:  # the full years, and the current one up to as_of
        for i in range(rng.randint(*PER_YEAR)):
            unit = makers[(i + year) % len(makers)]
            drafted = dt.date(year, 1, 5) + dt.timedelta(days=rng.randint(0, 240))
            doc = w.walk(unit, _title(rng, unit, used), drafted)
            written += 1
            if doc is None or doc.status != Status.PUBLISHED:
                continue
            if year == ctx.year_range.start:
                first_published.append(doc)
            roll = rng.random()
            if roll < 0.1:
                w.file(doc, late=True, result=FilingResult.SUSPENDED, correct=False)
            elif roll < 0.2:
                w.file(doc, result=FilingResult.REJECTED)
            elif roll < 0.3:
                w.file(doc, late=True)
            elif roll < 0.95:
                w.file(doc)
    # every state and warning, relative to as_of
    root = ctx.root
    w.walk(root, _title(rng, root, used), as_of - dt.timedelta(days=12), stop="consulting")
    w.walk(root, _title(rng, root, used), as_of - dt.timedelta(days=70), stop="reviewing")
    w.walk(root, _title(rng, root, used), as_of - dt.timedelta(days=95), stop="deliberated")
    late = w.walk(root, _title(rng, root, used), as_of - dt.timedelta(days=150))
    if late is not None and late.status == Status.PUBLISHED:
        w.file(late, late=True, result=FilingResult.SUSPENDED, correct=False)  # 暂缓 overdue
    soon = w.walk(
        depts[0] if depts else root,
        _title(rng, root, used),
        as_of - dt.timedelta(days=200),
        valid_until=as_of + dt.timedelta(days=90),
    )
    if soon is not None:
        w.file(soon)
    gone = w.walk(
        towns[0] if towns else root,
        _title(rng, root, used),
        as_of - dt.timedelta(days=330),
        valid_until=as_of - dt.timedelta(days=20),
    )
    if gone is not None:
        w.file(gone)
    maker = depts[-1] if depts else (towns[-1] if towns else root)
    wrong = w.walk(maker, _title(rng, maker, used), as_of - dt.timedelta(days=260))
    if wrong is not None:
        w.file(wrong, result=FilingResult.REJECTED)  # 不予备案登记, then 纠错
    written += 7
    if first_published:
        old = first_published[0]
        new = w.walk(old.unit, f"{old.title}（修订）", as_of - dt.timedelta(days=120), replaces=old)
        written += 1
        if new is not None and new.status == Status.PUBLISHED:
            w.file(new)
    written += _cleanup(ctx, rng)
    return written


def _cleanup(ctx: CountyContext, rng: random.Random) -> int:
    held = ctx.as_of - dt.timedelta(days=45)
    in_force = Document.objects.filter(unit__path__startswith=ctx.root.path).filter(
        Q(status=Status.PUBLISHED, effective_from__lte=held)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=held))
    )
    chosen = list(in_force.order_by("published_on", "id")[:6])
    if len(chosen) < 3:
        return 0
    campaign = s.campaign_create(
        actor=ctx.actor,
        unit=ctx.root,
        name=f"{held.year}年规范性文件清理",
        held_on=held,
        documents=chosen,
    )
    outcomes = [Outcome.REPEAL, Outcome.REVISE] + [Outcome.KEEP] * (len(chosen) - 2)
    reasons = {
        Outcome.KEEP: "符合上位法规定，继续执行",
        Outcome.REPEAL: "调整对象已消失",
        Outcome.REVISE: "与新修订的上位法不一致",
    }
    for item, outcome in zip(campaign.items.order_by("id"), outcomes, strict=True):
        s.campaign_decide(
            actor=ctx.actor, campaign=campaign, item=item, outcome=outcome, reason=reasons[outcome]
        )
    s.campaign_apply(
        actor=ctx.actor, campaign=campaign, applied_on=held + dt.timedelta(days=rng.randint(10, 30))
    )
    return 1


def seed(ctx: ScaleContext) -> int:
    """Five to twelve published documents a year per government (scaled by its size), in bulk."""
    ctx.writer.register(Document)
    written = 0
    for gov, year in ctx.government_years():
        rng = ctx.rng(gov, NAME)
        units = [gov.unit, *(unit for unit, _ in gov.members)]
        for n in range(ctx.count(rng, gov, (5, 12))):
            unit = rng.choice(units)
            published = ctx.pick(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), ctx.horizon))
            kind = rng.choice(KINDS)
            effective = published + dt.timedelta(days=rules.EFFECTIVE_AFTER_DAYS)
            years = 2 if "暂行" in kind or "试行" in kind else 5
            doc = Document(
                unit=unit,
                title=f"{(unit.short_name or unit.name)}{rng.choice(SUBJECTS)}{kind}",
                trial=years == 2,
                drafted_on=published - dt.timedelta(days=60),
                register_no=f"{unit.code}-{year}-{n + 1:03d}",
                doc_number=f"{unit.code}规〔{year}〕{n + 1}号",
                unified_print=True,
                published_on=published,
                effective_from=effective,
                valid_until=rules.add_months(effective, 12 * years) - dt.timedelta(days=1),
            )
            DOCUMENTS.advance(doc, "record_published")
            ctx.writer.add(doc)
            written += 1
    return written
