"""What a unit finds waiting on its home page and in its menu: new tasks and unread reminders.

Reads only (selectors). The home page (``fazhi.core.views.home``) and the menu
(``fazhi.core.context``) find this module through the plans kit's app, like every
``<app>.inbox`` module, and call :func:`home_inbox` and :func:`nav_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, visible_to
from fazhi.plans.models import Assignment, AssignmentStatus, Reminder
from fazhi.plans.selectors import assignments_of

REMINDERS_URL = "/plans/reminders/"
MINE_URL = "/plans/mine/"
#: how many new tasks and unread reminders the home page lists (the rest are counted)
SHOWN = 5


@dataclass(frozen=True)
class InboxItem:
    text: str
    url: str
    note: str = ""  # e.g. the due date or the time of the reminder


@dataclass(frozen=True)
class InboxSection:
    """One list on the home page: a title, the total, the first items and a link to all."""

    title: str
    total: int
    items: list[InboxItem] = field(default_factory=list)
    url: str = ""
    empty: str = ""


def acts_on_tasks(actor: Actor) -> bool:
    """Whether the actor's role does the unit's work (reports progress, answers reminders):
    the roles that edit records. A 领导 reads, a 系统管理员 keeps the system."""
    return actor.can(Cap.EDIT_RECORDS)


def new_assignments(actor: Actor) -> QuerySet[Assignment]:
    """Tasks assigned to the actor's own unit not started yet, soonest due first (the
    本单位任务 page's rows of that unit in status 未开始)."""
    return assignments_of(actor).filter(unit=actor.unit, status=AssignmentStatus.NOT_STARTED)


def unread_reminders(actor: Actor) -> QuerySet[Reminder]:
    """Unread reminders addressed to the actor's own unit, newest first (the 提醒 page lists
    those of the whole subtree)."""
    return visible_to(
        Reminder.objects.filter(read_at__isnull=True, unit=actor.unit), actor
    ).order_by("-created_at", "-pk")


def unread_count(actor: Actor) -> int:
    """How many reminders addressed to the actor's own unit are unread (0 for a role that
    does not act on them, without a query)."""
    if not acts_on_tasks(actor):
        return 0
    return unread_reminders(actor).count()


def nav_counts(actor: Actor) -> dict[str, int]:
    """Menu URL → count shown next to the entry: the unread reminders (one query)."""
    return {REMINDERS_URL: unread_count(actor)}


def _whose(actor: Actor, assignment: Assignment) -> str:
    """The sub-unit's name before its role ("" for the actor's own unit)."""
    return "" if assignment.unit_id == actor.unit.pk else f"{assignment.unit.name}，"


def home_inbox(actor: Actor) -> list[InboxSection]:
    """The 新任务 and 未读提醒 lists of the actor's home page (none for a role that does not
    act on tasks). Four queries."""
    if not acts_on_tasks(actor):
        return []
    tasks = new_assignments(actor)
    reminders = unread_reminders(actor)
    task_items = [
        InboxItem(
            f"{a.task.title}（{_whose(actor, a)}{a.get_role_display()}）",
            a.get_absolute_url(),
            f"{a.due_on:%Y年%-m月%-d日}前完成" if a.due_on else "未定完成时限",
        )
        for a in tasks[:SHOWN]
    ]
    reminder_items = [
        InboxItem(r.text, r.link or REMINDERS_URL, f"{timezone.localtime(r.created_at):%Y-%m-%d}")
        for r in reminders[:SHOWN]
    ]
    return [
        InboxSection("新任务", tasks.count(), task_items, MINE_URL, "暂无新分配的任务"),
        InboxSection("未读提醒", reminders.count(), reminder_items, REMINDERS_URL, "没有未读提醒"),
    ]
