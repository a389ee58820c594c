"""Issue 18: two kit fields added to the shared layer, used by the existing registers too.

* ``audit_names``: an app names its own audit codes (batch writes, steps outside a workflow)
  in its kit; ``core`` keeps only the codes of the platform itself.
* ``report_part3``: a register writes lines of the annual report's part 三 from its records;
  the drafter keeps the lines whose figures have values and asks for the rest only when no
  register wrote a line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from tests.personas import County

from fazhi.core import audit_display, kit
from fazhi.core.kit import kits
from fazhi.orgs.models import OrgUnit
from fazhi.reports import drafting

pytestmark = pytest.mark.django_db


def test_the_apps_name_their_own_audit_codes() -> None:
    declared = {code: (k.app, name) for k in kits() for code, name in k.audit_names.items()}
    # moved out of core/audit_display.py into the kits of the apps that write them
    assert declared["enforcement_data.ingest"] == ("enforcement_data", "行政执法数据·批量导入")
    assert declared["decisions.evidence_download"][0] == "decisions"
    assert declared["plan.rectification_create"] == ("plans", "工作计划·下达整改任务")
    assert audit_display.action_label("case_review.files_draw") == "案卷评查·抽取案卷"
    assert audit_display.action_label("filing_review.suggestion.submit") == (
        "备案审查·收到公众的审查建议"
    )
    # core keeps no app's code: each code a kit declares is the kit's own
    for code, (app, _name) in declared.items():
        assert code not in audit_display.WHOLE_CODES, code
        assert code.split(".")[0].startswith(app.removesuffix("s")), code
    # platform codes stay in core
    assert audit_display.action_label("ops.backup") == "系统备份"


HOOK_LINES: list[str] = []


def fake_part3(unit: OrgUnit, year: int, codes: frozenset[str]) -> list[str]:
    return [line.replace("<unit>", unit.name).replace("<year>", str(year)) for line in HOOK_LINES]


@pytest.fixture
def hooked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The plans kit (any installed app) declares the fake ``report_part3`` hook."""
    found = kit.kit_for("plans")
    monkeypatch.setitem(
        kit._KITS, "plans", dataclasses.replace(found, report_part3=f"{__name__}:fake_part3")
    )
    HOOK_LINES.clear()
    yield HOOK_LINES
    HOOK_LINES.clear()


def _part3(county: County) -> str:
    with time_machine_at(dt.datetime(2026, 2, 10, 2, tzinfo=dt.UTC)):
        draft = drafting.compose(
            actor=county.actor("coordinator"),
            unit=county.root,
            year=2025,
            now=dt.datetime.now(dt.UTC),
            parts=(3,),
        )
    return draft.parts[3]


def time_machine_at(moment: dt.datetime) -> Any:
    import time_machine

    return time_machine.travel(moment, tick=False)


def test_part3_lines_from_a_register_replace_the_prompt(county: County, hooked: list[str]) -> None:
    assert "{{?请填写" in _part3(county)  # no register wrote a line: the prompt asks
    hooked.append("<year>年12月26日，<unit>主要负责人专题述法。")
    hooked.append("本级常务会议学法{{plans.tasks}}。")  # a figure without a value here: left out
    hooked.append("会前学法{{no.such_metric}}。")  # an unknown figure: left out
    text = _part3(county)
    assert "2025年12月26日，湘江县人民政府主要负责人专题述法。" in text
    assert "常务会议学法" not in text and "会前学法" not in text
    assert "{{?请填写" not in text


def test_encrypted_fields_are_masked_in_the_audit_log_whatever_their_name() -> None:
    """A register's personal data is an ``EncryptedTextField``; its name need not be listed
    in ``PERSONAL_FIELDS`` (the 人民调解 对方当事人 is ``respondent_name``, while the 复议
    被申请人名称 of the same name is an authority's name, left readable)."""
    from fazhi.core.audit import encrypted_field_names, mask_personal

    personal = encrypted_field_names("mediation.case")
    assert {"applicant_name", "respondent_name"} <= personal
    assert encrypted_field_names("reconsideration.reconsiderationcase") >= {"applicant_name"}
    assert "respondent_name" not in encrypted_field_names("reconsideration.reconsiderationcase")
    assert encrypted_field_names("no.such_model") == frozenset()
    masked = mask_personal(
        {"respondent_name": "刘东红", "number": "（2025）调字第1号"}, personal=personal
    )
    assert masked == {"respondent_name": "***", "number": "（2025）调字第1号"}
