"""基层减负, on the shipped 县级 scheme: every indicator a register answers is prefilled for every
unit and refused when typed; the unit types only the rest, and the counter counts exactly what
it typed and uploaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.assessments.test_campaign_flow import TZ
from tests.personas import County

from fazhi.assessments import services
from fazhi.assessments.models import Answer, Answerer, Evaluation, IndicatorSystem, Rule, Source

pytestmark = pytest.mark.django_db
SYSTEM = "县级法治政府建设年度考核指标（示例方案）"


def test_every_register_indicator_is_prefilled_and_never_typed(county: County) -> None:
    system = IndicatorSystem.objects.get(owner=None, name=SYSTEM)
    with time_machine.travel(dt.datetime(2026, 1, 10, 10, tzinfo=TZ), tick=False):
        campaign = services.campaign_create(
            actor=county.actor("coordinator"),
            organiser=county.root,
            system=system,
            year=2025,
            title="2025年度考核",
            self_due=dt.date(2026, 1, 20),
            review_due=dt.date(2026, 2, 10),
        )
        services.campaign_open(actor=county.actor("coordinator"), campaign=campaign)
    from_registers = system.indicators.filter(answered_by=Answerer.REGISTER).exclude(rule="")
    assert from_registers.count() >= 25
    evaluation = campaign.evaluations.get(unit=county.town_a)
    answers = list(
        Answer.objects.filter(evaluation__campaign=campaign).select_related(
            "indicator", "evaluation__campaign"
        )
    )
    register = [a for a in answers if a.indicator.answered_by == Answerer.REGISTER]
    assert len(register) == from_registers.count() * 3  # three units assessed
    for a in register:
        assert a.source == Source.REGISTER and a.prefilled_at is not None
        assert a.metric_version is not None and a.drill_url.startswith("/metrics/")
    for a in (a for a in register if a.evaluation_id == evaluation.pk):
        with pytest.raises(ValidationError, match="由系统台账"):
            services.answer_save(actor=county.actor("clerk_a"), answer=a, value=Decimal(1))
    assert Evaluation.objects.get(pk=evaluation.pk).prefilled == from_registers.count()
    own = [
        a
        for a in answers
        if a.evaluation_id == evaluation.pk and a.indicator.answered_by == Answerer.UNIT
    ]
    typed = files = 0
    for a in own:
        if a.indicator.rule == Rule.CHECKLIST:
            items = a.indicator.params["items"]
            services.answer_save(
                actor=county.actor("clerk_a"),
                answer=a,
                checks=[True] * len(items),
                files=[SimpleUploadedFile("佐证.txt", "材料".encode(), "text/plain")],
            )
            files += 1  # checks are ticks, not typed fields
        else:
            services.answer_save(
                actor=county.actor("clerk_a"), answer=a, value=Decimal(2), self_note="见纪要"
            )
            typed += 2
    reviewer_items = [
        a for a in answers if a.evaluation_id == evaluation.pk and a.indicator.rule == Rule.REVIEWER
    ]
    a = next(a for a in reviewer_items if a.indicator.kind == "score")
    services.answer_save(actor=county.actor("clerk_a"), answer=a, self_deduction=Decimal(0))
    typed += 1
    evaluation.refresh_from_db()
    assert (evaluation.typed_fields, evaluation.uploaded_files) == (typed, files)
    assert typed == 3 and files == 2  # 1.8 figure and note, 1.4's self-score; 1.1 and 5.4 files
