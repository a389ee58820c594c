"""The ``name_units`` choice (issue 13 item 12) and the prompt marker (item 11): prompts the
drafter wrote before the marker existed become ``{{?…}}``, so the completeness check, the
refusals and the portal find them whatever they say.

Two forms were written: ``【请填写：…】`` (every template prompt) and the unmarked lead of part
二, "从工作台账看，以下方面还有差距，请分析原因：", which became a statement and a marked
prompt. Both are the drafter's own exact wording, changed in every report (a published one
included: the portal then leaves the prompt out rather than print it)."""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations, models

LEGACY = re.compile(r"【(请填写[^】\n]*)】")
OLD_LEAD = "从工作台账看，以下方面还有差距，请分析原因："
NEW_LEAD = "从工作台账看，以下方面还有差距：{{?请填写：分析下列差距的原因}}"


def mark(text: str) -> str:
    text = LEGACY.sub(lambda m: "{{?" + m.group(1).replace("}}", "}") + "}}", text)
    return text.replace(OLD_LEAD, NEW_LEAD)


def forwards(apps: Any, schema_editor: Any) -> None:
    AnnualReport = apps.get_model("reports", "AnnualReport")
    ReportPart = apps.get_model("reports", "ReportPart")
    for part in ReportPart.objects.all().iterator():
        body = mark(part.body)
        if body != part.body:
            ReportPart.objects.filter(pk=part.pk).update(body=body)
    for report in AnnualReport.objects.all().iterator():
        preamble = mark(report.preamble)
        if preamble != report.preamble:
            AnnualReport.objects.filter(pk=report.pk).update(preamble=preamble)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="annualreport",
            name="name_units",
            field=models.BooleanField(
                default=False,
                help_text="生成“存在的不足和原因”时是否点名逾期单位；默认不点名（报告要向社会公开）",
                verbose_name="列出未按期完成任务的单位",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
