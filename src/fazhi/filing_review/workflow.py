"""The 审查建议 handling workflow: 收到 → 研究处理 → 已答复 (with date, result and reply).

法规规章备案审查条例 第12条: the 备案审查工作机构 「研究并提出处理意见，按照规定程序处理」.
Declared once here; the pages, the API and the services all run it through the runner.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core.workflow import Change, Transition, Workflow, check_date
from fazhi.filing_review import forms as f
from fazhi.filing_review.models import Result, Status, Suggestion, SuggestionEvent
from fazhi.orgs.scoping import Actor, require_unit_in_scope


def authorize(actor: Actor, suggestion: Suggestion) -> None:
    """The 备案审查机关's subtree handles its suggestions."""
    require_unit_in_scope(suggestion.unit, actor)


def study(suggestion: Suggestion, *, actor: Actor, studied_on: dt.date) -> Change:
    check_date(
        studied_on,
        "开始研究处理日期",
        not_before=suggestion.received_on,
        after_label="收到日期",
        field="studied_on",
    )
    suggestion.studied_on = studied_on
    return Change(studied_on, "转入研究处理")


def answer(
    suggestion: Suggestion, *, actor: Actor, answered_on: dt.date, result: str, reply: str
) -> Change:
    check_date(
        answered_on,
        "答复日期",
        not_before=suggestion.studied_on or suggestion.received_on,
        after_label="开始研究处理日期" if suggestion.studied_on else "收到日期",
        field="answered_on",
    )
    if result not in Result.values or not result:
        raise ValidationError({"result": "请选择处理结果"})
    if not reply.strip():
        raise ValidationError({"reply": "请填写答复意见"})
    suggestion.answered_on = answered_on
    suggestion.result = result
    suggestion.reply = reply.strip()
    return Change(answered_on, Result(result).label)


SUGGESTIONS: Workflow[Suggestion] = Workflow(
    model=Suggestion,
    audit_prefix="filing_review.suggestion",
    event_model=SuggestionEvent,
    noun="审查建议",
    authorize=authorize,
    transitions=(
        Transition(
            "study",
            "研究处理",
            (Status.RECEIVED,),
            study,
            target=Status.STUDYING,
            form_class=f.StudyForm,
        ),
        Transition(
            "answer",
            "答复",
            (Status.RECEIVED, Status.STUDYING),
            answer,
            target=Status.ANSWERED,
            form_class=f.AnswerForm,
            confirm="答复后不能再修改，确定答复吗？",
        ),
    ),
)
