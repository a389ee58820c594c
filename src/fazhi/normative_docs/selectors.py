"""Reads of the 规范性文件 register.

The displayed status is computed from the stored one, the dates and today — never only from the
stored status — so a document past its 有效期 is 失效 from the day after, in the list, the
detail, the API, the export and the portal, whether or not the daily sweep has run:

* :func:`effective_status` for one document (Python),
* :func:`with_shown` annotates a queryset with ``shown`` (the same rule as a SQL ``CASE``),
* :func:`shown_q` is the filter for one displayed status, :func:`in_force` the public library's
  现行有效 documents (no actor: public data).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, Count, Q, Value, When

from fazhi.normative_docs import rules
from fazhi.normative_docs.models import Document, Filing, FilingResult, Shown, Status
from fazhi.orgs.scoping import Actor, visible_to


def effective_status(doc: Document, today: dt.date) -> Shown:
    """What the register shows for ``doc`` on ``today`` (see :class:`Shown`)."""
    if doc.status != Status.PUBLISHED:
        return Shown(str(doc.status))
    if doc.valid_until is not None and doc.valid_until < today:
        return Shown.EXPIRED
    if doc.effective_from is not None and doc.effective_from > today:
        return Shown.PENDING
    return Shown.IN_FORCE


def shown_q(value: str, today: dt.date) -> Q:
    """Documents whose displayed status on ``today`` is ``value``."""
    published = Q(status=Status.PUBLISHED)
    lapsed = Q(valid_until__lt=today)
    if value == Shown.EXPIRED:
        return Q(status=Status.EXPIRED) | (published & lapsed)
    if value == Shown.PENDING:
        return published & ~lapsed & Q(effective_from__gt=today)
    if value == Shown.IN_FORCE:
        return published & ~Q(valid_until__lt=today) & ~Q(effective_from__gt=today)
    return Q(status=value)


def with_shown(qs: models.QuerySet[Document], today: dt.date) -> models.QuerySet[Document]:
    """``qs`` annotated with ``shown`` (the displayed status code on ``today``)."""
    return qs.annotate(
        shown=Case(
            When(shown_q(Shown.EXPIRED, today), then=Value(Shown.EXPIRED.value)),
            When(shown_q(Shown.PENDING, today), then=Value(Shown.PENDING.value)),
            When(shown_q(Shown.IN_FORCE, today), then=Value(Shown.IN_FORCE.value)),
            default=models.F("status"),
            output_field=models.CharField(),
        )
    )


def shown_of(doc: Document, today: dt.date) -> Shown:
    """The annotation when the row has it, else computed."""
    value = getattr(doc, "shown", None)
    return Shown(value) if value else effective_status(doc, today)


def in_force(today: dt.date) -> models.QuerySet[Document]:
    """The public library: 现行有效 documents of every unit (published, in force on
    ``today``), with their unit and the document that replaced them loaded."""
    return with_shown(
        Document.objects.filter(shown_q(Shown.IN_FORCE, today)).select_related("unit"), today
    ).order_by("-published_on", "-id")


def public_documents(today: dt.date) -> models.QuerySet[Document]:
    """Every published document (in force or ended) for the portal's history view."""
    return with_shown(
        Document.objects.exclude(published_on=None).select_related(
            "unit", "replaces", "replaced_by"
        ),
        today,
    ).order_by("-published_on", "-id")


def expiring_q(today: dt.date, months: int | None = None) -> Q:
    """In force and expiring within ``months`` (the evaluation warning, default 6)."""
    months = rules.evaluation_months() if months is None else months
    horizon = rules.add_months(today, months)
    return shown_q(Shown.IN_FORCE, today) & Q(valid_until__lte=horizon)


def filing_overdue_q(today: dt.date) -> Q:
    """Filings not submitted by their due date, or 暂缓 and not corrected within 15 days."""
    late = Q(submitted_on=None, due_on__lt=today)
    uncorrected = Q(result=FilingResult.SUSPENDED, corrected_on=None, correction_due__lt=today)
    return late | uncorrected


def filing_overdue(filing: Filing, today: dt.date) -> bool:
    if filing.submitted_on is None:
        return filing.due_on < today
    return (
        filing.result == FilingResult.SUSPENDED
        and filing.corrected_on is None
        and filing.correction_due is not None
        and filing.correction_due < today
    )


def todo_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """What waits for the actor's subtree: filings to submit (and how many are late), 暂缓 to
    correct, and documents expiring within the evaluation window."""
    # two queries for the home page (and the evaluation rule): one over the filings, one count
    counts: dict[str, int] = Filing.objects.filter(
        unit__path__startswith=actor.unit.path
    ).aggregate(
        to_file=Count("pk", filter=Q(submitted_on=None)),
        overdue=Count("pk", filter=filing_overdue_q(today)),
        to_correct=Count("pk", filter=Q(result=FilingResult.SUSPENDED, corrected_on=None)),
    )
    counts["expiring"] = visible_to(Document.objects.all(), actor).filter(expiring_q(today)).count()
    return counts
