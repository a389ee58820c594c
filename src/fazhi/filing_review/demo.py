"""Demo county: a few citizens' 审查建议 about the county's published 规范性文件, walked through
the services (收到 → 研究处理 → 答复), so the register shows each state and an overdue one.
Runs after the normative_docs filler (kit order); no clock, dates up to ``ctx.as_of``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from fazhi.filing_review import services as svc
from fazhi.filing_review.models import Result, Suggestion
from fazhi.normative_docs.models import Document, Status

if TYPE_CHECKING:
    from fazhi.demo.generator import CountyContext

NAME = "filing_review"
LABEL = "规范性文件审查建议"  # in the `fazhi seed` summary
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ("建国", "秀英", "志强", "丽华", "海燕", "文博", "晓东", "春梅")
TEXTS = (
    "该文件要求申请人另行提交无犯罪记录证明，属于没有法律依据增加公民义务，建议审查。",
    "该文件规定的收费项目未见上位法依据，建议审查是否与价格法相抵触。",
    "该文件对外地企业设置了额外的备案条件，涉嫌排除、限制竞争，建议审查。",
)
REPLIES = {
    Result.CORRECT: "经审查，相关条款缺乏上位法依据，已书面建议制定机关修改。",
    Result.NO_CONFLICT: "经研究，该条款有《行政许可法》等上位法依据，不存在抵触。",
}


def fill(ctx: CountyContext) -> int:
    """One or two answered suggestions a year, one being studied and one overdue at ``as_of``."""
    rng = ctx.rng_for(NAME)
    docs = list(
        Document.objects.filter(
            unit__path__startswith=ctx.root.path,
            status__in=(Status.PUBLISHED, Status.EXPIRED, Status.REPLACED, Status.REPEALED),
        )
        .exclude(published_on=None)
        .order_by("published_on", "id")
    )
    if not docs:
        return 0
    written = 0

    def submit(received: dt.date) -> Suggestion | None:
        candidates = [d for d in docs if d.published_on and d.published_on < received]
        if not candidates:
            return None
        doc = rng.choice(candidates)
        phone = "139" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return svc.suggestion_submit(
            document=doc,
            applicant_name=name,
            contact_phone=phone,
            text=rng.choice(TEXTS),
            received_on=received,
        )

    for year in ctx.year_range:
        for _ in range(rng.randint(1, 2)):
            received = dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(0, 200))
            made = submit(received)
            if made is None:
                continue
            written += 1
            studied = received + dt.timedelta(days=rng.randint(2, 7))
            svc.suggestion_study(actor=ctx.actor, suggestion=made, studied_on=studied)
            result = rng.choice((Result.CORRECT, Result.NO_CONFLICT))
            svc.suggestion_answer(
                actor=ctx.actor,
                suggestion=made,
                answered_on=studied + dt.timedelta(days=rng.randint(10, 40)),
                result=result,
                reply=REPLIES[result],
            )
    studying = submit(ctx.as_of - dt.timedelta(days=20))
    if studying is not None:
        written += 1
        svc.suggestion_study(
            actor=ctx.actor, suggestion=studying, studied_on=ctx.as_of - dt.timedelta(days=15)
        )
    if submit(ctx.as_of - dt.timedelta(days=75)) is not None:  # past its 60-day 答复期限
        written += 1
    return written
