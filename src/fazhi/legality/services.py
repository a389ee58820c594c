"""Writes to the 合法性审查 register: 登记 here, every status change through the workflow.

:func:`review_register` is also how other registers send an item for review: the actor may
act in the scope of the 审查机构 (``unit``) **or** of the 送审单位 (``submitter``), so a
department or a township registers the item it sends to the 司法局 from its own register
(规范性文件, 重大行政决策). The transition services wrap
:data:`fazhi.legality.workflow.REVIEWS` (only the 审查机构's side may take them).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.core import staging
from fazhi.core.audit import snapshot
from fazhi.core.selectors import rules_cache
from fazhi.core.services import audit_append, record_write
from fazhi.core.workflow import check_date
from fazhi.legality.models import Category, Review, ReviewEvent
from fazhi.legality.reviewers import parse_reviewers
from fazhi.legality.rules import derive_deadlines, warn_days
from fazhi.legality.workflow import REVIEWS
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope

NUMBER_FORMAT = "合审〔{year}〕{n}号"


def category_named(value: str | Category) -> Category:
    """The active category with this code or name (cached inside an import's batch)."""
    if isinstance(value, Category):
        return value
    text = (value or "").strip()
    found = staging.memo(("legality.categories",), lambda: list(Category.objects.all()))
    for cat in found:
        if text in (cat.code, cat.name) and cat.active:
            return cat
    names = "、".join(c.name for c in found if c.active)
    raise ValidationError({"category": f"类别“{text}”不存在，应为：{names}"})


def next_number(unit: OrgUnit, year: int) -> str:
    """The next free 审查编号 合审〔year〕N号 of ``unit`` (an import's batch included)."""
    prefix = NUMBER_FORMAT.format(year=year, n="")[:-1]

    def read() -> set[str]:
        qs = Review.objects.filter(unit=unit, number__startswith=prefix)
        return set(qs.values_list("number", flat=True))

    taken = staging.memo(("legality.numbers", unit.pk, year), read)
    if staging.active() is None:
        taken = read()
    n = len(taken) + 1
    while NUMBER_FORMAT.format(year=year, n=n) in taken:
        n += 1
    number = NUMBER_FORMAT.format(year=year, n=n)
    taken.add(number)
    return number


@transaction.atomic
def review_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    submitter: OrgUnit,
    title: str,
    category: str | Category,
    received_on: dt.date,
    materials_complete: bool = True,
    note: str = "",
    number: str = "",
    reviewers: str | list[dict[str, str]] = "",
    return_reason: str = "",
    returned_on: dt.date | None = None,
    supplemented_on: dt.date | None = None,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
    conclusion: str = "",
    reason: str = "",
    opinion: str = "",
    adopted: bool | None = None,
) -> Review:
    """Register an item received by the 审查机构 ``unit`` from the 送审单位 ``submitter``.

    Permission: the actor edits records and has ``unit`` **or** ``submitter`` in its subtree.
    ``category`` is a category code (or name). The review period is computed from the
    category's rule (:mod:`fazhi.legality.rules`). Materials not complete: the item is
    returned for supplement on ``returned_on`` (default the received date). Given
    ``supplemented_on``, the supplement is recorded (the period restarts); given
    ``completed_on`` and ``conclusion``, the review is concluded (an import of past items) —
    each through the workflow, as if taken one after the other."""
    actor.require(Cap.EDIT_RECORDS)
    if not (unit_in_scope(unit, actor) or unit_in_scope(submitter, actor)):
        raise PermissionDenied("审查机构和送审单位都不在您的管理范围内")
    title = title.strip()
    if not title:
        raise ValidationError({"title": "请填写审查事项"})
    cat = category_named(category)
    check_date(received_on, "收到日期", field="received_on")
    number = number.strip()
    if number and staging.exists(Review, unit=unit, number=number):
        raise ValidationError({"number": f"审查编号“{number}”在{unit.name}已登记"})
    review = Review(
        unit=unit,
        submitter=submitter,
        title=title,
        category=cat,
        category_code=cat.code,
        received_on=received_on,
        materials_complete=True,
        reviewers=parse_reviewers(reviewers),
        note=note.strip(),
        number=number or next_number(unit, received_on.year),
    )
    with rules_cache():
        derive_deadlines(review)
    staging.save_new(review)
    staging.create(
        ReviewEvent,
        review=review,
        kind="收到送审材料",
        on=received_on,
        actor_name=actor.name,
        note=f"{submitter.name}送审（{cat.name}）",
    )
    record_write(
        actor=actor,
        action="legality.register",
        obj=review,
        before=None,
        after=snapshot(review),
        summary=f"登记合法性审查事项（{cat.name}）",
    )
    steps_actor = actor if unit_in_scope(unit, actor) else None
    later = not materials_complete or supplemented_on or returned_on or started_on or completed_on
    if later and steps_actor is None:
        raise PermissionDenied("送审单位只能登记送审事项；退回补充、审查结论由审查机构登记")
    if steps_actor is None:
        return review
    if not materials_complete or returned_on or supplemented_on:
        review_return(
            actor=actor,
            review=review,
            returned_on=returned_on or received_on,
            return_reason=return_reason or "材料不齐全，退回补充",
        )
    if supplemented_on:
        review_supplement(actor=actor, review=review, supplemented_on=supplemented_on)
    if started_on:
        review_start(actor=actor, review=review, started_on=started_on)
    if completed_on or conclusion:
        if not (completed_on and conclusion):
            key = "completed_on" if not completed_on else "conclusion"
            raise ValidationError({key: "审查完成日期和审查结论应同时填写"})
        review_conclude(
            actor=actor,
            review=review,
            completed_on=completed_on,
            conclusion=conclusion,
            reason=reason,
            opinion=opinion,
            adopted=adopted,
        )
    elif adopted is not None:
        raise ValidationError({"adopted": "尚未登记审查结论，不能登记意见采纳情况"})
    return review


def review_return(
    *, actor: Actor, review: Review, returned_on: dt.date, return_reason: str
) -> Review:
    """退回补充: the materials are incomplete; the period stops until they come back."""
    done: Review = REVIEWS.run(
        "return", actor=actor, obj=review, returned_on=returned_on, return_reason=return_reason
    )
    return done


def review_supplement(*, actor: Actor, review: Review, supplemented_on: dt.date) -> Review:
    """收到补充材料: the review period restarts from ``supplemented_on``."""
    done: Review = REVIEWS.run(
        "supplement", actor=actor, obj=review, supplemented_on=supplemented_on
    )
    return done


def review_start(
    *, actor: Actor, review: Review, started_on: dt.date, reviewers: str = ""
) -> Review:
    """开始审查 (with the reviewers: staff, 法律顾问, 公职律师; several allowed)."""
    done: Review = REVIEWS.run(
        "start", actor=actor, obj=review, started_on=started_on, reviewers=reviewers
    )
    return done


def review_conclude(
    *,
    actor: Actor,
    review: Review,
    completed_on: dt.date,
    conclusion: str,
    reason: str = "",
    adopted: bool | None = None,
    opinion: str = "",
    reviewers: str | list[dict[str, str]] = "",
) -> Review:
    """审查完成 with the conclusion (合法 / 修改后合法 / 不合法 / 不予审查; the last two with
    the reason) and, if known, whether the opinion was adopted."""
    done: Review = REVIEWS.run(
        "conclude",
        actor=actor,
        obj=review,
        completed_on=completed_on,
        conclusion=conclusion,
        reason=reason,
        opinion=opinion,
        reviewers=reviewers,
        adopted=adopted,
    )
    return done


def review_adopt(*, actor: Actor, review: Review, adopted: bool) -> Review:
    """登记意见采纳情况 after the conclusion."""
    done: Review = REVIEWS.run("adopt", actor=actor, obj=review, adopted=adopted)
    return done


# --- the daily sweep ----------------------------------------------------------------------
def deadlines_sweep(*, today: dt.date) -> dict[str, int]:
    """Remind the 审查机构 of every open item due within :func:`warn_days` days or overdue,
    once per item, due date and state (临近 / 逾期): running it again adds nothing. Returns
    ``{"soon": …, "overdue": …, "new": …}`` (open items now, and new reminders)."""
    from fazhi.plans.models import Reminder  # the platform's in-app reminders

    horizon = today + dt.timedelta(days=warn_days())
    rows = (
        Review.objects.pending()
        .filter(due_on__lte=horizon)
        .select_related("unit", "category")
        .order_by("pk")
    )
    new: list[Reminder] = []
    counts = {"soon": 0, "overdue": 0}
    for review in rows.iterator(chunk_size=2000):
        late = review.due_on < today
        counts["overdue" if late else "soon"] += 1
        state = "overdue" if late else "soon"
        name = f"合法性审查事项{review.number}（{review.category.name}）"
        text = (
            f"{name}审查期限已于{review.due_on:%Y-%m-%d}届满，尚未登记审查结论"
            if late
            else f"{name}审查期限{review.due_on:%Y-%m-%d}届满，请按期提出审查意见"
        )
        key = f"legality:{review.pk}:{review.due_on}:{state}"
        new.append(
            Reminder(unit=review.unit, key=key, text=text[:300], link=review.get_absolute_url())
        )
    known = set(Reminder.objects.filter(key__in=[r.key for r in new]).values_list("key", flat=True))
    new = [r for r in new if r.key not in known]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit_append(
            actor=Actor.command_line(),
            action="legality.sweep",
            object_type="legality.review",
            after={"today": today.isoformat(), "reminders": len(new)},
        )
    return {**counts, "new": len(new)}
