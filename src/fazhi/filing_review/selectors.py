"""Reads of the 备案审查 side: the public library, the filings a 备案审查机关 received, the
catalogues and the home tile's counts.

The public library shows published documents only (never a draft: a 404), and what it says of
a document's status comes from :func:`fazhi.normative_docs.selectors.effective_status`, so a
document past its 有效期 shows 失效 from the day after without any step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q

from fazhi.core.deadlines import Counting, add_days
from fazhi.core.selectors import calendar_data, province_code_of, rule_for
from fazhi.filing_review.models import OPEN_STATUSES, Suggestion
from fazhi.normative_docs.models import (
    DRAFT_STATUSES,
    AuthorityKind,
    Document,
    Filing,
    FilingResult,
)
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, visible_to

FORM_CHECK = "filing_review.form_check"
REVIEW = "filing_review.review"
SUGGESTION_REPLY = "filing_review.suggestion_reply"
ANNUAL_CATALOGUE = "filing_review.annual_catalogue"


# --- the public library ---------------------------------------------------------------------
def published_documents() -> models.QuerySet[Document]:
    """Every document the public may see: published (有 公布日期), whatever it became since."""
    return (
        Document.objects.exclude(status__in=DRAFT_STATUSES)
        .filter(published_on__isnull=False)
        .select_related("unit")
    )


def library(
    *,
    today: dt.date,
    q: str = "",
    number: str = "",
    unit: str = "",
    year: int | None = None,
    all_published: bool = False,
) -> models.QuerySet[Document]:
    """The library's search: 现行有效 documents (or all published ones), by title, 文号,
    issuing unit (name) and year of publication."""
    from fazhi.normative_docs.selectors import in_force

    qs = published_documents() if all_published else in_force(today).select_related("unit")
    if q:
        qs = qs.filter(title__icontains=q)
    if number:
        qs = qs.filter(doc_number__icontains=number)
    if unit:
        qs = qs.filter(Q(unit__name__icontains=unit) | Q(unit__short_name__icontains=unit))
    if year:
        qs = qs.filter(published_on__year=year)
    return qs.order_by("-published_on", "-id")


def library_years() -> list[int]:
    return sorted(
        {d.year for d in published_documents().values_list("published_on", flat=True) if d},
        reverse=True,
    )


def public_document(pk: int) -> Document | None:
    return published_documents().select_related("replaces").filter(pk=pk).first()


def shown_status(doc: Document, today: dt.date) -> str:
    """The status label the library shows (现行有效, 失效 …)."""
    from fazhi.normative_docs.models import Shown
    from fazhi.normative_docs.selectors import effective_status

    status = effective_status(doc, today)
    return str(Shown(status).label)


def history(doc: Document, today: dt.date) -> list[tuple[str, str, Document | None]]:
    """(date, what, other document) lines of a document's public history."""
    lines: list[tuple[str, str, Document | None]] = []
    if doc.published_on:
        lines.append((f"{doc.published_on:%Y-%m-%d}", "公布", None))
    if doc.effective_from:
        lines.append((f"{doc.effective_from:%Y-%m-%d}", "施行", None))
    if doc.replaces_id:
        lines.append(("", "本文件修改重发，替代", doc.replaces))
    replaced = Document.objects.filter(replaces=doc).exclude(status__in=DRAFT_STATUSES).first()
    if replaced is not None:
        when = f"{replaced.published_on:%Y-%m-%d}" if replaced.published_on else ""
        lines.append((when, "已被修改重发的文件替代", replaced))
    if doc.ended_on:
        lines.append((f"{doc.ended_on:%Y-%m-%d}", doc.get_status_display(), None))
    if doc.valid_until:
        day_after = doc.valid_until + dt.timedelta(days=1)
        if day_after <= today:
            what = f"起失效（有效期至 {doc.valid_until:%Y-%m-%d} 届满）"
            lines.append((f"{day_after:%Y-%m-%d}", what, None))
        else:
            lines.append(("", f"有效期至 {doc.valid_until:%Y-%m-%d}，届满次日起失效", None))
    return lines


def authority_of(doc: Document) -> OrgUnit:
    """The 备案审查机关 whose register a 审查建议 about ``doc`` lands in: the receiving
    government of the document's government filing; without one (the filing not yet made, or a
    top-of-tree government whose next government up is outside the system) the government the
    document would be filed with by the rule (a department: its own government; a government
    or township: the next government up), else the issuing unit itself."""
    filing = (
        Filing.objects.filter(
            document=doc, authority_kind=AuthorityKind.GOVERNMENT, authority__isnull=False
        )
        .select_related("authority")
        .order_by("id")
        .first()
    )
    if filing is not None and filing.authority is not None:
        return filing.authority
    from fazhi.normative_docs.workflow import government_above

    above = government_above(doc.unit)
    return above if above is not None else doc.unit


# --- the 备案审查机关 side ---------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    days: int
    counting: str
    basis: str = ""

    def due(self, start: dt.date) -> dt.date:
        return add_days(start, self.days, Counting(self.counting), calendar=calendar_data()).due

    def latest_overdue_start(self, today: dt.date) -> dt.date:
        """The latest start date whose due date is before ``today`` (due dates grow with the
        start, so "overdue" is ``start <= this``: one indexed comparison)."""
        start = today - dt.timedelta(days=self.days)
        while self.due(start) >= today:
            start -= dt.timedelta(days=1)
        while self.due(start + dt.timedelta(days=1)) < today:
            start += dt.timedelta(days=1)
        return start


def rule(code: str, unit: OrgUnit | None) -> Rule:
    found = rule_for(code, province=province_code_of(unit))
    unit_word = "个工作日" if found.counting == "working" else "日"
    return Rule(
        found.days, found.counting, f"{found.law}{found.article}（{found.days}{unit_word}）"
    )


def filings_received(actor: Actor) -> models.QuerySet[Filing]:
    """Filings received by a 备案审查机关 in the actor's subtree (not those it sent)."""
    return (
        visible_to(Filing.objects.all(), actor)
        .filter(authority__path__startswith=actor.unit.path, submitted_on__isnull=False)
        .select_related("document", "unit", "authority")
        .order_by("-submitted_on", "-id")
    )


def form_check_overdue(
    qs: models.QuerySet[Filing], actor: Actor, today: dt.date
) -> models.QuerySet[Filing]:
    """Filings with no result past the 形式审查 period."""
    cutoff = rule(FORM_CHECK, actor.unit if actor.unit.pk else None).latest_overdue_start(today)
    return qs.filter(result=FilingResult.PENDING, submitted_on__lte=cutoff)


def correction_overdue(qs: models.QuerySet[Filing], today: dt.date) -> models.QuerySet[Filing]:
    """暂缓 filings not corrected within the 补正 period (法规规章备案审查条例 第9条)."""
    return qs.filter(
        result=FilingResult.SUSPENDED, corrected_on__isnull=True, correction_due__lt=today
    )


def overdue(qs: models.QuerySet[Filing], actor: Actor, today: dt.date) -> models.QuerySet[Filing]:
    late = form_check_overdue(qs, actor, today).values("pk")
    return qs.filter(Q(pk__in=late) | Q(pk__in=correction_overdue(qs, today).values("pk")))


def monthly_catalogue(actor: Actor, year: int, month: int) -> models.QuerySet[Filing]:
    """第10条: filings registered (备案登记) by the actor's 备案审查机关 in the month."""
    return (
        filings_received(actor)
        .filter(result=FilingResult.REGISTERED, result_on__year=year, result_on__month=month)
        .order_by("result_on", "id")
    )


def annual_catalogue(actor: Actor, year: int) -> models.QuerySet[Document]:
    """第22条: the documents units in the actor's subtree made (published) in ``year``."""
    return (
        visible_to(published_documents(), actor)
        .filter(published_on__year=year)
        .order_by("published_on", "id")
    )


def annual_catalogue_due(year: int, unit: OrgUnit | None) -> dt.date:
    """The day the catalogue of ``year`` is due (1月31日 of the next year by default: the rule
    counts its days from 31 December, without moving to a working day — 「1月31日前」)."""
    days = rule(ANNUAL_CATALOGUE, unit).days
    return dt.date(year, 12, 31) + dt.timedelta(days=days)


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """The home tile's figures: one query over the filings received and one over the open
    审查建议 (plus the 形式审查 rule and the calendar, read once inside
    :func:`fazhi.core.selectors.rules_cache`). "Overdue" is :func:`overdue`'s condition."""
    cutoff = rule(FORM_CHECK, actor.unit if actor.unit.pk else None).latest_overdue_start(today)
    late = Q(result=FilingResult.PENDING, submitted_on__lte=cutoff) | Q(
        result=FilingResult.SUSPENDED, corrected_on__isnull=True, correction_due__lt=today
    )
    counts: dict[str, int] = (
        filings_received(actor)
        .order_by()
        .aggregate(
            pending=Count("pk", filter=Q(result=FilingResult.PENDING)),
            overdue=Count("pk", filter=late),
        )
    )
    counts |= (
        visible_to(Suggestion.objects.all(), actor)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            suggestions=Count("pk"), suggestions_overdue=Count("pk", filter=Q(due_on__lt=today))
        )
    )
    return counts
