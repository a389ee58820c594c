"""The plan import screens' forms: upload a plan file, then review the parsed tasks and the
units each name stands for, correct them, and confirm. Nothing is saved before confirmation;
the uploaded text waits in the session between the two steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, visible_to
from fazhi.plans.parser import COOPERATING, LEAD, RESPONSIBLE, ParsedPlan, PlanParseError, decode
from fazhi.plans.parser import parse_plan as parse
from fazhi.plans.selectors import Match, match_units
from fazhi.plans.services import ImportSummary, plan_import

SESSION_KEY = "fazhi.plans.import"
MAX_BYTES = 2 * 1024 * 1024
SKIP, ALL = "skip", "all"
ROLE_LABELS = {LEAD: "牵头", RESPONSIBLE: "责任", COOPERATING: "配合"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="计划文件", help_text="文本文件（.txt，UTF-8 或 GBK 编码），不超过 2 MB"
    )
    unit = forms.ChoiceField(label="印发单位")
    year = forms.IntegerField(
        label="年度", required=False, min_value=2000, max_value=2100, help_text="留空则从标题识别"
    )

    def __init__(self, actor: Actor, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        units = visible_to(OrgUnit.objects.active(), actor).filter(depth__lte=actor.unit.depth + 1)
        choices = [(u.code, u.name) for u in units.order_by("path")]
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = choices
        self.fields["unit"].initial = actor.unit.code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is None:
            return data
        if PurePath(upload.name or "").suffix.lower() != ".txt":
            raise ValidationError({"file": "请上传 .txt 文本文件（可从 Word 另存为“纯文本”）"})
        if (upload.size or 0) > MAX_BYTES:
            raise ValidationError({"file": "文件超过 2 MB"})
        try:
            text = decode(upload.read())
            parsed = parse(text, year=data.get("year"))
        except PlanParseError as exc:
            raise ValidationError({"file": str(exc)}) from None
        if parsed.year is None:
            raise ValidationError({"year": "未能从文件中识别年度，请填写年度"})
        data["text"], data["parsed_year"] = text, parsed.year
        return data

    def parsed_upload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "year": data["parsed_year"],
            "name": data["file"].name,
            "text": data["text"],
        }


def remember(request: HttpRequest, pending: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = pending


def recall(request: HttpRequest) -> dict[str, Any] | None:
    found = request.session.get(SESSION_KEY)
    return found if isinstance(found, dict) else None


@dataclass
class NameRow:
    """One unit name of the plan, how it matched, and the field deciding it."""

    index: int
    match: Match
    roles: str
    tasks: str

    @property
    def field(self) -> str:
        return f"name_{self.index}"


class Review:
    """The second step: every task (name and date correctable) and every unit name (matched
    unit, or a choice: another unit, the collective expansion confirmed, or no assignment)."""

    def __init__(self, actor: Actor, pending: dict[str, Any], data: Any = None) -> None:
        self.actor, self.pending, self.data = actor, pending, data
        self.unit = visible_to(OrgUnit.objects.all(), actor).get(code=pending["unit"])
        self.parsed: ParsedPlan = parse(pending["text"], year=pending["year"])
        self.tasks = self.parsed.tasks
        names: dict[str, tuple[set[str], list[str]]] = {}
        for task in self.tasks:
            for key, label in ROLE_LABELS.items():
                for name in task.units.get(key, []):
                    roles, where = names.setdefault(name, (set(), []))
                    roles.add(label)
                    where.append(task.number or task.title[:10])
        matches = match_units(self.unit, list(names))
        self.names = [
            NameRow(i, matches[name], "、".join(sorted(roles)), "、".join(dict.fromkeys(where)))
            for i, (name, (roles, where)) in enumerate(names.items())
        ]
        self.options = list(
            OrgUnit.objects.subtree_of(self.unit).active().order_by("path").only("code", "name")
        )
        self.errors: list[str] = []

    def value(self, field: str, default: str = "") -> str:
        return str(self.data.get(field, default)) if self.data is not None else default

    def choice(self, row: NameRow) -> str:
        """The current decision of a name: a unit's code, ``all`` or ``skip``."""
        if self.data is not None:
            return self.value(row.field)
        if row.match.needs_confirmation:
            return ""  # must be confirmed explicitly
        return row.match.units[0].code if row.match.units else ""

    def is_valid(self) -> bool:
        self.resolution: dict[str, list[OrgUnit]] = {}
        self.titles: dict[int, str] = {}
        self.due_dates: dict[int, dt.date | None] = {}
        by_code = {u.code: u for u in self.options}
        for row in self.names:
            decision = self.choice(row)
            if decision == ALL and row.match.needs_confirmation:
                self.resolution[row.match.name] = list(row.match.units)
            elif decision == SKIP:
                self.resolution[row.match.name] = []
            elif decision in by_code:
                self.resolution[row.match.name] = [by_code[decision]]
            else:
                self.errors.append(f"请为“{row.match.name}”选择对应单位（或选择“不分配”）")
        for i, task in enumerate(self.tasks):
            self.titles[i] = self.value(f"title_{i}", task.title).strip() or task.title
            due = self.value(f"due_{i}").strip()
            try:
                self.due_dates[i] = dt.date.fromisoformat(due) if due else None
            except ValueError:
                self.errors.append(f"任务 {task.number} 的完成时限“{due}”不是日期（如 2025-06-30）")
        return not self.errors

    def due_of(self, index: int) -> str:
        if self.data is not None:
            return self.value(f"due_{index}")
        dated = [d.date for d in self.tasks[index].deadlines if d.date]
        return max(dated).isoformat() if dated else ""

    def title_of(self, index: int) -> str:
        return self.value(f"title_{index}", self.tasks[index].title)

    def name_table(self) -> list[tuple[NameRow, str]]:
        """Each name with its current decision (for the template)."""
        return [(row, self.choice(row)) for row in self.names]

    def task_table(self) -> list[tuple[int, Any, str, str]]:
        """(index, task, title, due date) with the user's corrections (for the template)."""
        return [(i, t, self.title_of(i), self.due_of(i)) for i, t in enumerate(self.tasks)]

    def save(self, request: HttpRequest) -> ImportSummary | None:
        try:
            summary = plan_import(
                actor=self.actor,
                unit=self.unit,
                parsed=self.parsed,
                resolution=self.resolution,
                source_name=self.pending["name"],
                source_text=self.pending["text"],
                allow_unmatched=True,  # every name was decided above; "不分配" is a decision
                titles=self.titles,
                due_dates=self.due_dates,
            )
        except (ValidationError, PermissionDenied) as exc:
            self.errors.append("；".join(getattr(exc, "messages", [str(exc)])))
            return None
        request.session.pop(SESSION_KEY, None)
        return summary


def summary_text(summary: ImportSummary) -> str:
    text = f"已导入《{summary.plan.title}》：{summary.tasks} 项任务，{summary.assignments} 条分工"
    if summary.unmatched:
        text += f"；未分配：{'、'.join(summary.unmatched)}"
    return text
