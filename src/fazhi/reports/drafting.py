"""Compose a report draft from the platform's data (reads only; services save it).

- Part 一, by 纲要 chapter (the template's order): the tasks completed that year, each written
  from its units' approved completion reports (their own summary, with the figures they
  reported), then sentences with the year's figures from the metric engine (tokens, frozen as
  :class:`DraftFigure` with their provenance), then a prompt for what the data cannot know.
- Part 二: overdue tasks and figures that missed the plan's targets, as starting points; the
  units behind the overdue tasks are named only when the author asks for it (``name_units``:
  a report meant for publication does not single out units by default).
- Part 三: the template's opening, the figures it names, and a prompt.
- Part 四: the next year's plan (its sections and tasks) if one has been imported, else a prompt.
- Part 五: a prompt.

Every prompt is written with :func:`fazhi.reports.tokens.prompt` (the ``{{?…}}`` marker), so the
completeness check finds it whatever it says; :func:`prompt_kinds` lists what a template can ask.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q

from fazhi.core.kit import hooks
from fazhi.metrics.engine import MetricValue
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import drill_url, metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.plans.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Plan,
    ProgressReport,
    ReportStatus,
    Task,
    TaskKind,
)
from fazhi.reports import rules
from fazhi.reports.tokens import codes_in, prompt, token

PART_NUMBERS = (1, 2, 3, 4, 5)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "=": operator.eq,
}


@dataclass(frozen=True)
class DraftFigure:
    code: str
    name: str
    group: str
    version: int
    value: Decimal | None
    display: str
    display_unit: str
    numerator: Decimal
    denominator: int | None
    period: str
    drill_url: str
    order: int


@dataclass(frozen=True)
class Draft:
    unit: OrgUnit
    year: int
    kind: str
    title: str
    preamble: str
    parts: dict[int, str]
    figures: list[DraftFigure]
    computed_at: dt.datetime
    name_units: bool = False

    @property
    def displays(self) -> dict[str, str]:
        return {f.code: f.display for f in self.figures}


def freeze(values: Sequence[MetricValue], unit: OrgUnit, period: Period) -> list[DraftFigure]:
    return [
        DraftFigure(
            code=v.code,
            name=v.name,
            group=v.group,
            version=v.version,
            value=v.value,
            display=v.display,
            display_unit=v.display_unit,
            numerator=Decimal(v.numerator),
            denominator=v.denominator,
            period=period.key,
            drill_url=drill_url(v.definition, unit, period, "numerator"),
            order=i,
        )
        for i, v in enumerate(values)
    ]


def figures_for(actor: Actor, unit: OrgUnit, year: int) -> list[DraftFigure]:
    """Every metric in force in ``year`` for ``unit``'s subtree, frozen."""
    period = Period.for_year(year)
    return freeze(metric_values(actor=actor, unit=unit, period=period), unit, period)


def compose(
    *,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    now: dt.datetime,
    parts: Sequence[int] = PART_NUMBERS,
    name_units: bool = False,
) -> Draft:
    """The draft of ``unit``'s report on ``year``; raises ValueError for a unit that does not
    report (e.g. a 法院). ``name_units``: part 二 names the units whose tasks are overdue (off
    by default: the report is published)."""
    template = rules.template(unit)
    names = {"unit": unit.name, "year": year, "next": year + 1}
    figures = figures_for(actor, unit, year)
    by_code = {f.code: f for f in figures}
    bodies: dict[int, str] = {}
    if 1 in parts:
        bodies[1] = _part1(unit, year, template, by_code)
    if 2 in parts:
        bodies[2] = _part2(unit, year, template, by_code, name_units=name_units)
    if 3 in parts:
        bodies[3] = _part3(unit, year, template, by_code, names)
    if 4 in parts:
        bodies[4] = _part4(unit, year + 1, template, names)
    if 5 in parts:
        bodies[5] = prompt(template["part5_prompt"].format(**names))
    return Draft(
        unit=unit,
        year=year,
        kind=rules.template_key(unit),
        title=template["title"].format(**names),
        preamble=template["preamble"].format(**names),
        parts=bodies,
        figures=figures,
        computed_at=now,
        name_units=name_units,
    )


def prompt_kinds(template: Mapping[str, Any], names: Mapping[str, Any]) -> dict[str, str]:
    """Every prompt a template can make the drafter write, by kind (what each asks, without
    its marker): one per chapter of part 一, a completed task without an approved report, part
    二 with and without gaps found, part 三, part 四 without a next-year plan, part 五."""
    kinds = {
        f"chapter{c['chapter']}": str(c["prompt"]).format(**names) for c in template["chapters"]
    }
    kinds["achievement"] = str(template["achievement_prompt"]).format(task="示例任务", **names)
    kinds["part2"] = str(template["part2_prompt"]).format(**names)
    kinds["part2_gaps"] = str(template["part2_gaps_prompt"]).format(**names)
    kinds["part3"] = str(template["part3_prompt"]).format(**names)
    kinds["next_year"] = str(template["next_year_prompt"]).format(**names)
    kinds["part5"] = str(template["part5_prompt"]).format(**names)
    return kinds


# --- part 一 ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Achievement:
    title: str
    text: str
    chapter: int | None


#: A task done by more units than this is written from the first ones' reports (lead first),
#: then how many others completed it.
ACHIEVEMENT_UNITS = 5


def _approved_text(assignment: Assignment) -> str:
    reports = [r for r in assignment.reports.all() if r.status == ReportStatus.APPROVED]
    done = [r for r in reports if r.claims_completion] or reports
    return done[-1].text.strip() if done else ""


def achievements(unit: OrgUnit, year: int) -> list[Achievement]:
    """Tasks of ``year`` completed by ``unit``: those of its own plans whose lead and responsible
    units have all completed, and its own lead/responsible assignments in other units' plans."""
    doing = [AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE]
    reports = Prefetch("reports", queryset=ProgressReport.objects.order_by("submitted_at", "pk"))
    own = (
        Task.objects.filter(plan__unit=unit, plan__year=year, kind=TaskKind.TASK)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(role__in=doing)
                .select_related("unit")
                .prefetch_related(reports)
                .order_by("role", "pk"),
            )
        )
        .order_by("plan_id", "order")
    )
    found: list[Achievement] = []
    for task in own:
        assignments = list(task.assignments.all())
        if not assignments or any(a.status != AssignmentStatus.COMPLETED for a in assignments):
            continue
        found.append(Achievement(task.title, _combined(assignments), task.chapter))
    theirs = (
        Assignment.objects.filter(
            unit=unit,
            role__in=doing,
            status=AssignmentStatus.COMPLETED,
            task__plan__year=year,
            task__kind=TaskKind.TASK,
        )
        .exclude(task__plan__unit=unit)
        .select_related("task")
        .prefetch_related(reports)
        .order_by("task__plan_id", "task__order")
    )
    for a in theirs:
        found.append(Achievement(a.task.title, _approved_text(a), a.task.chapter))
    return found


def _combined(assignments: Sequence[Assignment]) -> str:
    """The approved completion reports of a task's units: the text alone for one unit; one
    paragraph each, preceded by its unit, otherwise (lead first), at most
    :data:`ACHIEVEMENT_UNITS`, then how many more units completed it."""
    texts = {a.unit.display_name: t for a in assignments if (t := _approved_text(a))}
    if len(texts) <= 1:
        return next(iter(texts.values()), "")
    shown = list(texts.items())[:ACHIEVEMENT_UNITS]
    said = "\n".join(f"{name}：{_full_stop(text)}" for name, text in shown)
    more = len(texts) - len(shown)
    return said + (f"另有{more}个单位完成并报送了完成情况。" if more else "")


def _full_stop(text: str) -> str:
    return text if text.endswith(("。", "！", "；")) else text + "。"


def _sentence(spec: Mapping[str, Any], by_code: Mapping[str, DraftFigure]) -> str:
    """A figure sentence from its clause groups (clauses joined by "，", groups by "；");
    clauses whose figure has no value are left out (see :func:`_clause`); ``none`` (usually
    empty) when the ``when`` figure is zero or missing (``when`` a list: all of them)."""
    if not _leads(spec["when"], by_code):
        return str(spec.get("none", ""))
    groups: list[str] = []
    for clauses in spec["groups"]:
        kept = [text for c in clauses if (text := _clause(c, by_code))]
        if kept:
            groups.append("，".join(kept))
    return "；".join(groups) + "。" if groups else ""


def _leads(when: str | Sequence[str], by_code: Mapping[str, DraftFigure]) -> bool:
    """Whether the sentence is said: its ``when`` figure (or one of them) is not zero."""
    for code in [when] if isinstance(when, str) else when:
        figure = by_code.get(code)
        if figure is not None and figure.value:
            return True
    return False


def _clause(clause: str | Mapping[str, Any], by_code: Mapping[str, DraftFigure]) -> str:
    """A clause as written, or "" when it is left out. A text is kept when its figures have
    values (:func:`_has_values`); an object is ``{"list": [items], "lead": "其中", "sep": "、"}``
    (the items with values, after ``lead``, joined by ``sep``; left out when none has one, so
    "其中规范性文件3件、会议纪要2件" drops the categories with none) or ``{"text": …}``, either
    kept only when its ``"if": {"code", "op", "value"}`` holds (e.g. "均在规定时间内提出审核
    意见" when the on-time rate is 100)."""
    if isinstance(clause, str):
        return clause if _has_values(clause, by_code) else ""
    condition = clause.get("if")
    if condition is not None:
        figure = by_code.get(str(condition["code"]))
        check = _OPS[str(condition["op"])]
        if figure is None or figure.value is None:
            return ""
        if not check(figure.value, Decimal(str(condition["value"]))):
            return ""
    if "list" in clause:
        items = [str(item) for item in clause["list"] if _has_values(str(item), by_code)]
        if not items:
            return ""
        return str(clause.get("lead", "")) + str(clause.get("sep", "、")).join(items)
    text = str(clause["text"])
    return text if _has_values(text, by_code) else ""


def _has_values(clause: str, by_code: Mapping[str, DraftFigure]) -> bool:
    """A clause is kept when each of its figures has a value, and a count is not zero (a rate
    of 0.0% is said; "不予受理0件" is not)."""
    for code in codes_in(clause):
        figure = by_code.get(code)
        if figure is None or figure.value is None:
            return False
        if figure.value == 0 and figure.display_unit != "%":
            return False
    return True


def _part1(
    unit: OrgUnit, year: int, template: Mapping[str, Any], by_code: Mapping[str, DraftFigure]
) -> str:
    done: dict[int | None, list[Achievement]] = defaultdict(list)
    for a in achievements(unit, year):
        done[a.chapter].append(a)
    sentences: dict[int, list[str]] = defaultdict(list)
    for spec in rules.figure_sentences():
        text = _sentence(spec, by_code)
        if text:
            sentences[int(spec["chapter"])].append(text)
    chapters = [int(c["chapter"]) for c in template["chapters"]]
    lines: list[str] = []
    for i, section in enumerate(template["chapters"], start=1):
        number = int(section["chapter"])
        items = done.pop(number, [])
        lines.append(f"（{rules.numeral(i)}）{section['heading']}")
        lines.extend(sentences.get(number, []))
        lines.extend(_items(items, template))
        lines.append(prompt(section["prompt"]))
    rest = [a for key, items in done.items() if key not in chapters for a in items]
    if rest:
        lines.append(f"（{rules.numeral(len(chapters) + 1)}）其他工作")
        lines.extend(_items(rest, template))
    return "\n".join(lines)


def _items(items: Sequence[Achievement], template: Mapping[str, Any]) -> list[str]:
    """Each completed task: its title as a sub-heading, then its units' own account (a prompt
    when no approved report says what was done)."""
    lines: list[str] = []
    for n, a in enumerate(items, start=1):
        lines.append(f"{n}.{a.title}")
        if a.text:
            lines.append(_full_stop(a.text))
        else:
            lines.append(prompt(str(template["achievement_prompt"]).format(task=a.title)))
    return lines


# --- part 二 ------------------------------------------------------------------------------------
def _late(unit: OrgUnit, year: int) -> list[Assignment]:
    """Assignments of ``year`` (in ``unit``'s plans, or ``unit``'s own) overdue or done late."""
    return list(
        Assignment.objects.filter(Q(task__plan__unit=unit) | Q(unit=unit))
        .filter(task__plan__year=year)
        .filter(
            Q(status=AssignmentStatus.OVERDUE)
            | Q(status=AssignmentStatus.COMPLETED, completed_on_time=False)
        )
        .select_related("task", "unit")
        .order_by("task__plan_id", "task__order", "unit__path")
    )


def missed_targets(
    unit: OrgUnit, year: int, by_code: Mapping[str, DraftFigure]
) -> list[tuple[dict[str, Any], DraftFigure]]:
    """(target, figure) for each quantitative target of ``unit``'s plans of ``year`` that maps to
    a metric (:func:`fazhi.reports.rules.targets`) whose value missed it."""
    missed: list[tuple[dict[str, Any], DraftFigure]] = []
    seen: set[tuple[str, str]] = set()
    tasks = Task.objects.filter(plan__unit=unit, plan__year=year).values_list("text", "targets")
    for text, target_list in tasks:
        for target in target_list or []:
            said = str(target.get("text", ""))
            code = _target_code(_sentence_of(text, said))
            figure = by_code.get(code or "")
            check = _OPS.get(str(target.get("op")))
            if figure is None or figure.value is None or check is None:
                continue
            if figure.display_unit != str(target.get("unit", "")).replace("％", "%"):
                continue
            key = (figure.code, said)
            if key in seen or check(figure.value, Decimal(str(target.get("value")))):
                continue
            seen.add(key)
            missed.append(({**target, "text": _sentence_of(text, said)}, figure))
    return missed


def _sentence_of(text: str, part: str) -> str:
    """The clause of ``text`` (between 。；，) that contains ``part``."""
    for clause in re.split(r"[。；;，,]", text):
        if part and part in clause:
            return clause.strip()
    return part


def _target_code(text: str) -> str | None:
    for rule in rules.targets():
        if all(k in text for k in rule["keywords"]):
            return str(rule["code"])
    return None


def _part2(
    unit: OrgUnit,
    year: int,
    template: Mapping[str, Any],
    by_code: Mapping[str, DraftFigure],
    *,
    name_units: bool = False,
) -> str:
    lines: list[str] = []
    late = _late(unit, year)
    missed = missed_targets(unit, year, by_code)
    from_records = [
        line
        for _kit, hook in hooks("report_part2")
        for line in hook(unit, year, frozenset(by_code))
        if _has_values(line, by_code)
    ]
    if late or missed or from_records:
        lines.append("从工作台账看，以下方面还有差距：")
    lines += [f"{n}.{line}" for n, line in enumerate(from_records, start=1)]
    first = len(from_records) + 1
    if late:
        overdue = [a for a in late if a.status == AssignmentStatus.OVERDUE]
        by_task: dict[str, list[str]] = defaultdict(list)
        for a in late:
            by_task[a.task.title].append(a.unit.display_name)
        shown = list(by_task.items())[:10]
        if name_units:  # the author chose to name them (off by default)
            listed = "；".join(f"{t}（{'、'.join(units)}）" for t, units in shown)
        else:
            listed = "；".join(t for t, _ in shown)
        counts = {"逾期未完成": len(overdue), "逾期完成": len(late) - len(overdue)}
        lines.append(
            f"{first}.部分任务未按期完成。{year}年工作任务分工中，"
            + "、".join(f"{label}{n}项" for label, n in counts.items() if n)
            + "，涉及以下任务："
            + listed
            + ("等" if len(by_task) > 10 else "")
            + "。"
        )
    for n, (target, figure) in enumerate(missed, start=first + 1 if late else first):
        lines.append(
            f"{n}.{figure.name}为{token(figure.code)}，未达到年度工作要点提出的"
            f"“{target.get('text')}”的目标。"
        )
    gaps = late or missed or from_records
    asks = template["part2_gaps_prompt"] if gaps else template["part2_prompt"]
    lines.append(prompt(asks))
    return "\n".join(lines)


# --- part 三 and 四 -----------------------------------------------------------------------------
def _part3(
    unit: OrgUnit,
    year: int,
    template: Mapping[str, Any],
    by_code: Mapping[str, DraftFigure],
    names: Mapping[str, Any],
) -> str:
    """The opening sentence, the lines the registers write from their records (each kit's
    ``report_part3`` hook: who gave a 述法, the 学法 sessions), then the figure sentences. The
    prompt asks for the rest only when no register wrote a line from records."""
    lines = [template["part3"].format(**names)]
    from_records = [
        line
        for _kit, hook in hooks("report_part3")
        for line in hook(unit, year, frozenset(by_code))
        if _has_values(line, by_code)
    ]
    lines += from_records
    for spec in rules.part3_figures():
        if _leads(spec["when"], by_code) and _has_values(spec["text"], by_code):
            lines.append(spec["text"])
    if not from_records:
        lines.append(prompt(template["part3_prompt"].format(**names)))
    return "\n".join(lines)


def _part4(unit: OrgUnit, next_year: int, template: Mapping[str, Any], names: Any) -> str:
    plan = (
        Plan.objects.filter(unit=unit, year=next_year)
        .prefetch_related("sections", "tasks")
        .order_by("-pk")
        .first()
    )
    if plan is None:
        return prompt(template["next_year_prompt"].format(**names))
    lines = [f"{next_year}年，按照《{plan.title}》，重点抓好以下工作："]
    tasks_by_section: dict[int | None, list[Task]] = defaultdict(list)
    for task in sorted(plan.tasks.all(), key=lambda t: t.order):
        tasks_by_section[task.section_id].append(task)
    n = 0
    for section in sorted(plan.sections.all(), key=lambda s: s.order):
        tasks = tasks_by_section.pop(section.pk, [])
        if not tasks:
            continue
        n += 1
        lines.append(f"（{rules.numeral(n)}）{section.title}")
        lines.append("；".join(t.title for t in tasks) + "。")
    rest = [t for items in tasks_by_section.values() for t in items]
    if rest:
        n += 1
        lines.append(f"（{rules.numeral(n)}）其他工作")
        lines.append("；".join(t.title for t in rest) + "。")
    return "\n".join(lines)
