"""人民调解 in Excel.

* ``mediation`` (纠纷案件): one row per case including its result, declared with
  :func:`fazhi.core.excel_replay.replay_excel`. The import replays the services in date
  order — 受理 (case_receive), 报告公安机关, the result (调解成功 / 调解不成 /
  终止调解), 履行情况, 申请司法确认 and its result — so timelines, audit entries and the
  司法确认 deadline check are those of cases entered on screen. The parties' names, ID
  numbers and phones may be imported (stored encrypted) but are never exported.
* ``mediation_committees`` and ``mediation_mediators``: one row per record
  (:func:`fazhi.core.excel_kit.register_excel`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db import models

from fazhi.core.excel import Column, Kind, Spec
from fazhi.core.excel import choices_of as _choices
from fazhi.core.excel_kit import register_excel
from fazhi.core.excel_replay import (
    Call,
    Lookup,
    OnlyWhen,
    Required,
    Requires,
    Together,
    Values,
    View,
    replay_excel,
)
from fazhi.mediation import services
from fazhi.mediation.forms import ROUTES
from fazhi.mediation.models import (
    AgreementKind,
    Case,
    CaseStatus,
    Committee,
    CommitteeKind,
    CommitteeStatus,
    ConfirmationResult,
    DisputeType,
    MediatorKind,
    MediatorStatus,
    Performance,
    Source,
)
from fazhi.mediation.views import committees, mediators
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, visible_to

RESULTS = tuple((str(v), str(label)) for v, label in CaseStatus.choices if v != "received")

SPEC = Spec(
    title="人民调解案件",
    columns=(
        Column("编号", "number", required=True, max_length=40),
        Column(
            "调委会",
            "committee",
            required=True,
            max_length=100,
            help="调委会名称（须为导入单位或其下级单位的调委会）",
        ),
        Column("受理日期", "received_on", Kind.DATE, required=True),
        Column("纠纷来源", "source", Kind.CHOICE, required=True, choices=_choices(Source)),
        Column(
            "纠纷类型",
            "dispute_type",
            required=True,
            max_length=40,
            help="纠纷类型名称或编码，如 婚姻家庭、邻里、合同",
        ),
        Column(
            "申请方当事人",
            "applicant_name",
            max_length=100,
            exportable=False,
            help="导入时必填；个人信息加密保存，不导出",
        ),
        Column("申请方证件号码", "applicant_id_number", max_length=30, exportable=False),
        Column("申请方联系电话", "applicant_phone", max_length=30, exportable=False),
        Column(
            "对方当事人",
            "respondent_name",
            max_length=100,
            exportable=False,
            help="导入时必填；个人信息加密保存，不导出",
        ),
        Column("对方证件号码", "respondent_id_number", max_length=30, exportable=False),
        Column("对方联系电话", "respondent_phone", max_length=30, exportable=False),
        Column("调解员", "mediators", max_length=200),
        Column("纠纷简要情况", "summary"),
        Column("涉及金额（元）", "amount", Kind.INT),
        Column("报告公安机关日期", "police_reported_on", Kind.DATE),
        Column("报告情况", "police_note"),
        Column("调解结果", "status", Kind.CHOICE, choices=RESULTS, help="尚在调解中的留空"),
        Column(
            "办结日期",
            "concluded_on",
            Kind.DATE,
            help="调解成功的为协议生效日期；调解不成、终止调解的为该日期",
        ),
        Column("协议形式", "agreement_kind", Kind.CHOICE, choices=_choices(AgreementKind)),
        Column("协议主要内容", "terms"),
        Column("履行期限", "performance_due", Kind.DATE),
        Column(
            "告知的其他途径",
            "routes",
            Kind.CHOICE,
            choices=ROUTES,
            multiple=True,
            help="调解不成的必填（人民调解法第二十六条）",
        ),
        Column("终止调解原因", "end_reason"),
        Column("履行情况", "performance", Kind.CHOICE, choices=_choices(Performance)),
        Column("履行情况登记日期", "performance_on", Kind.DATE),
        Column("申请司法确认日期", "confirmation_applied_on", Kind.DATE),
        Column("受理法院", "confirmation_court", max_length=100),
        Column(
            "司法确认结果", "confirmation_result", Kind.CHOICE, choices=_choices(ConfirmationResult)
        ),
        Column("司法确认结果日期", "confirmation_result_on", Kind.DATE),
        Column("司法确认申请期限", "confirmation_due", Kind.DATE, importable=False),
    ),
    notes=(
        "一行一件纠纷，含调解结果；导入时依次登记受理、报告公安机关、调解结果、履行情况、司法确认。",
        "当事人姓名、证件号码、联系电话加密保存，导出时不写出。",
        "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
    ),
)
H = SPEC.header_of
#: Columns that only a case of the given result may fill.
ONLY_FOR = {
    "success": (
        "agreement_kind",
        "terms",
        "performance_due",
        "performance",
        "confirmation_applied_on",
    ),
    "failed": ("routes",),
    "terminated": ("end_reason",),
}
PAIRS = (
    ("police_reported_on", "police_note"),
    ("performance", "performance_on"),
    ("confirmation_applied_on", "confirmation_court"),
    ("confirmation_result", "confirmation_result_on"),
    ("status", "concluded_on"),
)


def _committees(actor: Actor, unit: OrgUnit) -> models.QuerySet[Committee]:
    return visible_to(Committee.objects.filter(unit__path__startswith=unit.path), actor)


def _dispute_types(actor: Actor, unit: OrgUnit) -> models.QuerySet[DisputeType]:
    return DisputeType.objects.all()


def _result(status: str) -> Callable[[Values], bool]:
    return lambda values: values.get("status") == status


def _not_result(status: str) -> Callable[[View], bool]:
    return lambda view: view.get("status") == status


def _route(code: str) -> Callable[[Values], bool]:
    return lambda values: code in values.get("routes", [])


CASES = replay_excel(
    SPEC,
    key="mediation",
    title="人民调解案件",
    noun="",
    model=Case,
    target="case",
    year_field="received_on",
    order=("received_on", "id"),
    unit_help="调委会所在的单位范围：调委会须属于该单位或其下级单位",
    lookups=(
        Lookup(
            "committee",
            _committees,
            missing="调委会“{value}”在导入单位范围内找不到（请先导入调委会）",
            many="调委会“{value}”对应多个调委会",
        ),
        Lookup(
            "dispute_type",
            _dispute_types,
            by=("name", "code"),
            missing="纠纷类型“{value}”不存在",
        ),
    ),
    rules=(
        Required(("applicant_name", "respondent_name")),
        *(Together(a, b) for a, b in PAIRS),
        *(
            OnlyWhen(
                keys,
                _not_result(result),
                f"调解结果不是“{CaseStatus(result).label}”的，不应填写此项",
            )
            for result, keys in ONLY_FOR.items()
        ),
        Requires("confirmation_result", ("confirmation_applied_on",)),
    ),
    create=Call(
        "received_on",
        services.case_receive,
        args={
            key: key
            for key in (
                "committee",
                "number",
                "received_on",
                "source",
                "dispute_type",
                "applicant_name",
                "respondent_name",
                "applicant_id_number",
                "applicant_phone",
                "respondent_id_number",
                "respondent_phone",
                "mediators",
                "summary",
                "amount",
            )
        },
        fields={"received_on": "received_on"},
    ),
    calls=(
        Call(
            "police_reported_on",
            partial(services.case_step, step="report_police"),
            args={"reported_on": "police_reported_on", "note": "police_note"},
        ),
        Call(
            "status",
            partial(services.case_step, step="succeed"),
            args={
                "agreement_kind": "agreement_kind",
                "agreement_on": "concluded_on",
                "terms": "terms",
                "performance_due": "performance_due",
            },
            on="concluded_on",
            when=_result("success"),
        ),
        Call(
            "status",
            partial(services.case_step, step="fail"),
            args={"failed_on": "concluded_on", **{f"route_{c}": _route(c) for c, _ in ROUTES}},
            on="concluded_on",
            when=_result("failed"),
            fields={f"route_{c}": "routes" for c, _ in ROUTES},
        ),
        Call(
            "status",
            partial(services.case_step, step="terminate"),
            args={"terminated_on": "concluded_on", "reason": "end_reason"},
            on="concluded_on",
            when=_result("terminated"),
        ),
        Call(
            "performance",
            partial(services.case_step, step="perform"),
            args={"performance": "performance", "recorded_on": "performance_on"},
            on="performance_on",
        ),
        Call(
            "confirmation_applied_on",
            partial(services.case_step, step="apply_confirmation"),
            args={"applied_on": "confirmation_applied_on", "court": "confirmation_court"},
        ),
        Call(
            "confirmation_result",
            partial(services.case_step, step="confirmation_result"),
            args={"result": "confirmation_result", "result_on": "confirmation_result_on"},
            on="confirmation_result_on",
        ),
    ),
    export={
        "committee": lambda c: c.committee.name,
        "dispute_type": lambda c: c.dispute_type.name,
        "status": lambda c: None if c.status == CaseStatus.RECEIVED else c.status,
        "routes": lambda c: [r for r in c.routes.split(",") if r],
    },
    related=("committee", "dispute_type"),
)
import_xlsx = CASES.import_xlsx
export_queryset = CASES.export_queryset
export_xlsx = CASES.export_xlsx

COMMITTEE_SPEC = Spec(
    title="人民调解委员会",
    columns=(
        Column("调委会名称", "name", required=True, max_length=100),
        Column("所属单位", "unit", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("类型", "kind", Kind.CHOICE, required=True, choices=_choices(CommitteeKind)),
        Column("主任", "director", required=True, max_length=40),
        Column("委员人数", "members", Kind.INT, required=True, help="三至九人（人民调解法第八条）"),
        Column("本届任期开始日期", "term_start", Kind.DATE, required=True),
        Column("备案日期", "filed_on", Kind.DATE),
        Column("本届任期届满日期", "term_end", Kind.DATE, importable=False),
        Column("状态", "status", Kind.CHOICE, choices=_choices(CommitteeStatus), importable=False),
    ),
    notes=(
        "任期届满日期由任期开始日期和每届任期年数（默认三年）计算，不导入。",
        "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
    ),
)
COMMITTEES = register_excel(
    committees,
    COMMITTEE_SPEC,
    year_field="term_start",
    unit_help="所属单位须为该单位或其下级单位",
    noun="",
    measure="个",
)

MEDIATOR_SPEC = Spec(
    title="人民调解员",
    columns=(
        Column("姓名", "name", required=True, max_length=40),
        Column(
            "调委会",
            "committee_name",
            required=True,
            max_length=100,
            help="调委会名称（须为导入单位或其下级单位的调委会）",
        ),
        Column("专兼职", "kind", Kind.CHOICE, required=True, choices=_choices(MediatorKind)),
        Column("联系电话", "phone", max_length=30, exportable=False, help="加密保存，不导出"),
        Column("聘任日期", "joined_on", Kind.DATE, required=True),
        Column("最近培训日期", "last_trained_on", Kind.DATE),
        Column("本年度参加培训次数", "trainings_this_year", Kind.INT),
        Column("状态", "status", Kind.CHOICE, choices=_choices(MediatorStatus), importable=False),
    ),
    notes=("导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",),
)
MEDIATORS = register_excel(
    mediators,
    MEDIATOR_SPEC,
    year_field="joined_on",
    unit_help="调委会须属于该单位或其下级单位",
    noun="",
    measure="人",
    fields={"committee": "调委会"},
)

__all__ = ["CASES", "COMMITTEES", "MEDIATORS"]
