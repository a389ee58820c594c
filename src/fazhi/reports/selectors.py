"""Reads of the reports app: lists in scope, the completeness check, the document, the
依法治办's overview of who has not submitted or published, and the public portal's lists."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Max, Q
from django.utils import timezone

from fazhi.metrics import engine
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import definitions_for_year, metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, visible_to
from fazhi.reports import rules, tokens
from fazhi.reports.document import HEADING_1, PARAGRAPH, Block, ReportDocument, blocks_from_text
from fazhi.reports.models import AnnualReport, ReportFigure, ReportPart, ReportState


def reports_for(actor: Actor) -> models.QuerySet[AnnualReport]:
    return visible_to(AnnualReport.objects.select_related("unit"), actor)


def parts_of(report: AnnualReport) -> list[ReportPart]:
    return list(report.parts.order_by("number"))


def figures_of(report: AnnualReport) -> list[ReportFigure]:
    return list(report.figures.order_by("order", "code"))


# --- the document -------------------------------------------------------------------------------
def document_for(report: AnnualReport, *, public: bool = False) -> ReportDocument:
    """The report as title + blocks, figures filled in from the frozen values; ``public`` (the
    portal) leaves out any prompt (a published report has none: publishing is refused while one
    is left; inside the platform a prompt is shown highlighted)."""
    return build_document(
        title=report.title,
        preamble=report.preamble,
        parts=[(p.heading, p.body) for p in parts_of(report)],
        displays={f.code: f.display for f in figures_of(report)},
        issuer=report.unit.name,
        issued_on=report.published_on or report.submitted_on or report.meeting_on,
        public=public,
    )


def build_document(
    *,
    title: str,
    preamble: str,
    parts: Sequence[tuple[str, str]],
    displays: Mapping[str, str],
    issuer: str,
    issued_on: dt.date | None = None,
    public: bool = False,
) -> ReportDocument:
    """A report (saved, or a fresh draft) as a document: the preamble, then each part's heading
    and its text; headings are found on the text with its tokens (as on the HTML page), then
    the tokens are filled in. Prompts stay marked (the .docx highlights them); ``public``
    drops them."""

    def text(body: str) -> str:
        return tokens.without_prompts(body) if public else body

    blocks = [
        Block(PARAGRAPH, line.strip())
        for line in tokens.render(text(preamble), displays).splitlines()
        if line.strip()
    ]
    for heading, body in parts:
        blocks.append(Block(HEADING_1, heading))
        blocks.extend(
            Block(b.level, tokens.render(b.text, displays)) for b in blocks_from_text(text(body))
        )
    return ReportDocument(title=title, blocks=tuple(blocks), issuer=issuer, issued_on=issued_on)


# --- completeness check -------------------------------------------------------------------------
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    level: str
    message: str
    part: int | None = None

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def prompts_left(report: AnnualReport) -> list[tuple[str, list[str]]]:
    """(place, what each prompt asks) for the title, the preamble and each part that still has
    prompts, in the report's order (empty when none is left)."""
    places = [("标题", report.title), ("导语", report.preamble)]
    places += [(p.heading, p.body) for p in parts_of(report)]
    return [(place, found) for place, text in places if (found := tokens.prompts_in(text))]


def prompts_refusal(report: AnnualReport, doing: str) -> str:
    """The message refusing ``doing`` while prompts are left ("" when none is)."""
    left = prompts_left(report)
    if not left:
        return ""
    where = "；".join(f"“{place}”{len(found)}处" for place, found in left)
    return f"报告中还有待填写的提示，不能{doing}：{where}。请在编辑页逐处填写或删除"


def report_issues(*, actor: Actor, report: AnnualReport) -> list[Issue]:
    """What stops the report being complete (errors) and what should be looked at (warnings):
    every part present and non-empty, no prompt left (each listed with its part), no unknown
    figure; parts whose sentences are cut from one pattern; figures that no longer match the
    registers, figures older than the latest register change."""
    issues: list[Issue] = []
    figures = {f.code: f for f in figures_of(report)}
    parts = {p.number: p for p in parts_of(report)}
    texts = [report.title, report.preamble, *(p.body for p in parts.values())]
    for number in (1, 2, 3, 4, 5):
        part = parts.get(number)
        heading = rules.part_heading(number)
        if part is None or not part.body.strip():
            issues.append(Issue(ERROR, f"“{heading}”没有内容", number))
    places: list[tuple[int | None, str, str]] = [
        (None, "标题", report.title),
        (None, "导语", report.preamble),
    ]
    places += [(n, rules.part_heading(n), p.body) for n, p in sorted(parts.items())]
    for where, place, text in places:
        for asked in tokens.prompts_in(text):
            issues.append(Issue(ERROR, f"“{place}”有待填写的提示：{_clip(asked)}", where))
        if tokens.unclosed_prompts(text):
            message = f"“{place}”有不完整的提示记号（只有 {{{{? 没有 }}}}），请补全或删除"
            issues.append(Issue(ERROR, message, where))
        for code in sorted({c for c in tokens.codes_in(text) if c not in figures}):
            issues.append(Issue(ERROR, f"“{place}”引用了报告中没有的数据“{{{{{code}}}}}”", where))
        rest = tokens.TOKEN.sub("", tokens.ANY_PROMPT.sub("", text)).replace(tokens.OPEN_PROMPT, "")
        if "{{" in rest or "}}" in rest:
            message = f"“{place}”有不完整的数据记号（只有 {{{{ 或 }}}}），请检查"
            issues.append(Issue(WARNING, message, where))
        if where is not None:
            issues.extend(_same_shape(where, place, text))
    if report.state in (ReportState.PUBLISHED,):
        return issues
    used = {c for t in texts for c in tokens.codes_in(t)}
    issues.extend(_stale(actor, report, figures, used))
    return issues


def _clip(text: str, chars: int = 40) -> str:
    return text if len(text) <= chars else text[:chars] + "…"


# --- sentences cut from one pattern -------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n")
_DIGITS = re.compile(r"[0-9０-９.．%％]+")


@dataclass(frozen=True)
class Shape:
    """Sentences of one part that begin or end with the same words."""

    pattern: str
    sentences: list[str]


def same_shapes(
    text: str, *, sentences: int | None = None, chars: int | None = None
) -> list[Shape]:
    """Groups of at least ``sentences`` sentences of ``text`` whose first or last ``chars``
    characters are the same (figures and numbers count as one mark), e.g. "X已完成，相关材料
    已归档。" written for every task. Defaults: rules ``same_shape``. Headings (short lines
    without a full stop) are not sentences."""
    wanted = rules.same_shape()
    least = sentences if sentences is not None else int(wanted["sentences"])
    width = chars if chars is not None else int(wanted["chars"])
    found: list[str] = []
    for block in blocks_from_text(tokens.without_prompts(text)):
        if block.level != PARAGRAPH:
            continue
        for sentence in _SENTENCE_END.split(block.text):
            plain = _DIGITS.sub("0", tokens.TOKEN.sub("#", sentence)).strip("。！？!? 　")
            if len(plain) > width:
                found.append(plain)
    groups: dict[tuple[str, str], list[str]] = {}
    for plain in found:
        groups.setdefault(("head", plain[:width]), []).append(plain)
        groups.setdefault(("tail", plain[-width:]), []).append(plain)
    shapes: list[Shape] = []
    seen: set[str] = set()
    for (end, _), members in groups.items():
        distinct = list(dict.fromkeys(members))
        if len(members) < least or seen.issuperset(distinct):
            continue
        seen.update(distinct)
        head = _common_head(members)
        tail = _common_head([m[::-1] for m in members])[::-1]
        if len(head) + len(tail) >= min(len(m) for m in members):
            head, tail = (head, "") if end == "head" else ("", tail)
        shapes.append(Shape(f"{head}……{tail}", members))
    return shapes


def _common_head(texts: Sequence[str]) -> str:
    first = texts[0]
    for i, ch in enumerate(first):
        if any(len(t) <= i or t[i] != ch for t in texts[1:]):
            return first[:i]
    return first


def _same_shape(number: int, place: str, text: str) -> list[Issue]:
    return [
        Issue(
            WARNING,
            f"“{place}”有 {len(shape.sentences)} 句话是同一个句式（“{_clip(shape.pattern, 30)}”），"
            "读来像模板，请按各单位报送的完成情况分别写明做了什么、取得了什么成效",
            number,
        )
        for shape in same_shapes(text)
    ]


def _stale(
    actor: Actor, report: AnnualReport, figures: dict[str, ReportFigure], used: set[str]
) -> list[Issue]:
    issues: list[Issue] = []
    period = Period.for_year(report.year)
    at = report.figures_at
    if at is not None and timezone.localdate(at) <= period.end:
        issues.append(
            Issue(
                WARNING,
                f"数据提取于 {timezone.localdate(at).isoformat()}，"
                f"{report.year}年尚未结束，年底后请更新数据",
            )
        )
    definitions = definitions_for_year(report.year, sorted(used))
    current = {
        v.code: v
        for v in metric_values(
            actor=actor, unit=report.unit, period=period, definitions=definitions
        )
    }
    for code in sorted(used):
        figure, now = figures.get(code), current.get(code)
        if figure is None or now is None:
            continue
        if now.version != figure.version or not _same(now.value, figure.value):
            issues.append(
                Issue(
                    WARNING,
                    f"“{figure.name}”与台账不一致：报告中为 {figure.display}，台账现为 "
                    f"{now.display}（请更新数据）",
                )
            )
    latest = _latest_change(report.unit, period, definitions)
    if at is not None and latest is not None and latest > at:
        when = timezone.localtime(latest).strftime("%Y-%m-%d %H:%M")
        issues.append(
            Issue(WARNING, f"台账在数据提取后有更新（最近一次 {when}），请核对或更新数据")
        )
    return issues


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(a) == Decimal(b)


def _latest_change(
    unit: OrgUnit, period: Period, definitions: Sequence[MetricDefinition]
) -> dt.datetime | None:
    """The latest ``updated_at`` of the source records the figures count (one query per
    source model, unit field and date field; models without ``updated_at`` are skipped)."""
    conditions: dict[tuple[str, str], Q] = {}
    for d in definitions:
        model = engine.source_model(d.source)
        if not any(f.name == "updated_at" for f in model._meta.get_fields()):
            continue
        key = (d.source, d.unit_field)
        cond = engine.unit_q(d, unit) & engine.period_q(d, period)
        conditions[key] = conditions[key] | cond if key in conditions else cond
    latest: dt.datetime | None = None
    for (source, _), cond in conditions.items():
        model = engine.source_model(source)
        found = model._default_manager.filter(cond).aggregate(m=Max("updated_at"))["m"]
        if found is not None and (latest is None or found > latest):
            latest = found
    return latest


# --- deadlines ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeadlineStatus:
    label: str
    due: dt.date
    done_on: dt.date | None
    basis: str

    def state(self, today: dt.date) -> str:
        """done | late | overdue | soon | open"""
        if self.done_on is not None:
            return "late" if self.done_on > self.due else "done"
        if today > self.due:
            return "overdue"
        return "soon" if (self.due - today).days <= rules.warn_days() else "open"

    def text(self, today: dt.date) -> str:
        due = f"{self.due.month}月{self.due.day}日"
        state = self.state(today)
        if state == "done":
            return f"已于 {self.done_on} {self.label}（期限 {due}）"
        if state == "late":
            days = (self.done_on - self.due).days if self.done_on else 0
            return f"{self.done_on} {self.label}，逾期 {days} 天（期限 {due}）"
        if state == "overdue":
            return f"尚未{self.label}，已逾期 {(today - self.due).days} 天（期限 {due}）"
        return f"尚未{self.label}，距期限 {due} 还有 {(self.due - today).days} 天"


def deadline_status(unit: OrgUnit, year: int, report: AnnualReport | None) -> list[DeadlineStatus]:
    found = rules.deadlines(unit, year)
    return [
        DeadlineStatus(
            "报送", found.submit_due, report.submitted_on if report else None, found.submit_basis
        ),
        DeadlineStatus(
            "公开", found.publish_due, report.published_on if report else None, found.publish_basis
        ),
    ]


# --- the 依法治办's overview --------------------------------------------------------------------
def reporting_units(actor: Actor) -> list[OrgUnit]:
    """Units in the actor's subtree that must report: governments, then departments, then
    townships (the rules' order), each by tree position."""
    kinds = rules.reporting_kinds()
    units = visible_to(OrgUnit.objects.active(), actor).filter(kind__in=kinds)
    return sorted(units.order_by("path")[:5000], key=lambda u: kinds.index(u.kind))


#: The overview's filters: not submitted, not published, late or overdue on either deadline.
OVERVIEW_FLAGS = ("unsubmitted", "unpublished", "late")


@dataclass(frozen=True)
class OverviewRow:
    unit: OrgUnit
    report: AnnualReport | None
    submit: DeadlineStatus
    publish: DeadlineStatus

    def flags(self, today: dt.date) -> frozenset[str]:
        found = set()
        if self.submit.done_on is None:
            found.add("unsubmitted")
        if self.publish.done_on is None:
            found.add("unpublished")
        if {self.submit.state(today), self.publish.state(today)} & {"late", "overdue"}:
            found.add("late")
        return frozenset(found)


def overview(*, actor: Actor, year: int) -> list[OverviewRow]:
    """Every unit in the actor's subtree that must report on ``year``, with its report (if any)
    and where it stands against the deadlines. Two queries, whatever the number of units."""
    units = reporting_units(actor)
    reports = {
        r.unit_id: r
        for r in AnnualReport.objects.filter(unit__in=[u.pk for u in units], year=year).only(
            "pk", "unit_id", "year", "state", "submitted_on", "published_on", "title"
        )
    }
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        submit, publish = deadline_status(unit, year, report)
        rows.append(OverviewRow(unit, report, submit, publish))
    return rows


# --- the public portal --------------------------------------------------------------------------
def published_reports(
    *, year: int | None = None, search: str = ""
) -> models.QuerySet[AnnualReport]:
    qs = AnnualReport.objects.filter(state=ReportState.PUBLISHED).select_related("unit")
    if year:
        qs = qs.filter(year=year)
    if search.strip():
        qs = qs.filter(Q(unit__name__contains=search.strip()) | Q(title__contains=search.strip()))
    return qs.order_by("-year", "unit__path")


def published_years() -> list[int]:
    return list(
        AnnualReport.objects.filter(state=ReportState.PUBLISHED)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
