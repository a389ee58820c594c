"""人民调解 in Excel.

* ``mediation`` (纠纷案件): one row per case including its result. The import replays the
  services in date order — 受理 (case_receive), 报告公安机关, the result (调解成功 / 调解不成 /
  终止调解), 履行情况, 申请司法确认 and its result — so timelines, audit entries and the
  司法确认 deadline check are those of cases entered on screen. The parties' names, ID
  numbers and phones may be imported (stored encrypted) but are never exported.
* ``mediation_committees`` and ``mediation_mediators``: one row per record
  (:func:`fazhi.core.excel_kit.register_excel`).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import models

from fazhi.core import excel
from fazhi.core.excel import Column, ImportResult, Kind, Row, RowError, Spec, Step
from fazhi.core.excel_kit import register_excel
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
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, visible_to


def _choices(enum: type[models.TextChoices]) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in enum.choices)


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


# --- export --------------------------------------------------------------------------------
def export_queryset(actor: Actor, year: int | None = None) -> models.QuerySet[Case]:
    qs = visible_to(Case.objects.all(), actor)
    if year is not None:
        qs = qs.filter(received_on__year=year)
    return qs.order_by("received_on", "id")


def _export_row(case: Case) -> dict[str, Any]:
    row = {c.key: getattr(case, c.key, None) for c in SPEC.export_columns}
    row.update(
        committee=case.committee.name,
        dispute_type=case.dispute_type.name,
        status=None if case.status == CaseStatus.RECEIVED else case.status,
        routes=[r for r in case.routes.split(",") if r],
    )
    return row


def export_xlsx(qs: models.QuerySet[Case]) -> bytes:
    cases = qs.select_related("committee", "dispute_type")
    return excel.export_xlsx(SPEC, (_export_row(c) for c in cases.iterator(chunk_size=1000)))


# --- import: checks ------------------------------------------------------------------------
def _lookups(
    actor: Actor, unit: OrgUnit
) -> tuple[dict[str, list[Committee]], dict[str, DisputeType]]:
    found: dict[str, list[Committee]] = {}
    for c in visible_to(Committee.objects.filter(unit__path__startswith=unit.path), actor):
        found.setdefault(c.name, []).append(c)
    types = {t.name: t for t in DisputeType.objects.all()}
    types |= {t.code: t for t in types.values()}
    return found, types


def _check(
    row: Row, found: dict[str, list[Committee]], types: dict[str, DisputeType]
) -> list[RowError]:
    n, errors = row.number, []
    name = row.get("committee")
    if name is not None and len(found.get(name, [])) != 1:
        why = "对应多个调委会" if found.get(name) else "在导入单位范围内找不到（请先导入调委会）"
        errors.append(RowError(n, H("committee"), f"调委会“{name}”{why}"))
    kind = row.get("dispute_type")
    if kind is not None and kind not in types:
        errors.append(RowError(n, H("dispute_type"), f"纠纷类型“{kind}”不存在"))
    for key in ("applicant_name", "respondent_name"):
        if not row.filled(key):
            errors.append(RowError(n, H(key), "导入时必填"))
    for first, second in PAIRS:
        if row.filled(first) != row.filled(second):
            missing = second if row.filled(first) else first
            reason = f"“{H(first)}”和“{H(second)}”应同时填写"
            errors.append(RowError(n, H(missing), reason))
    status = row.get("status")
    for result, keys in ONLY_FOR.items():
        if status != result:
            errors += [
                RowError(n, H(k), f"调解结果不是“{CaseStatus(result).label}”的，不应填写此项")
                for k in keys
                if row.filled(k)
            ]
    if row.filled("confirmation_result") and not row.filled("confirmation_applied_on"):
        errors.append(RowError(n, H("confirmation_applied_on"), "填写了司法确认结果的，此项必填"))
    return errors


# --- import: the service calls -------------------------------------------------------------
class _Record:
    def __init__(self, row: Row) -> None:
        self.row = row
        self.case: Case | None = None

    @property
    def it(self) -> Case:
        assert self.case is not None
        return self.case


def _receive(actor: Actor, rec: _Record, committee: Committee, kind: DisputeType) -> None:
    v = rec.row.values
    personal = (
        "applicant_id_number",
        "applicant_phone",
        "respondent_id_number",
        "respondent_phone",
        "mediators",
        "summary",
    )
    rec.case = services.case_receive(
        actor=actor,
        committee=committee,
        number=v["number"],
        received_on=v["received_on"],
        source=v["source"],
        dispute_type=kind,
        applicant_name=v["applicant_name"],
        respondent_name=v["respondent_name"],
        amount=v.get("amount"),
        **{k: v[k] for k in personal if k in v},
    )


def _step(actor: Actor, rec: _Record, step: str, **data: Any) -> None:
    rec.case = services.case_step(actor=actor, case=rec.it, step=step, **data)


def _result_step(actor: Actor, rec: _Record) -> Step:
    v, n = rec.row.values, rec.row.number
    on, status = v["concluded_on"], v["status"]
    if status == "success":
        run = partial(
            _step,
            actor,
            rec,
            "succeed",
            agreement_kind=v.get("agreement_kind", ""),
            agreement_on=on,
            terms=v.get("terms", ""),
            performance_due=v.get("performance_due"),
        )
        fields = {
            "agreement_on": H("concluded_on"),
            "agreement_kind": H("agreement_kind"),
            "terms": H("terms"),
            "performance_due": H("performance_due"),
        }
    elif status == "failed":
        routes = {f"route_{r}": True for r in v.get("routes", [])}
        run = partial(_step, actor, rec, "fail", failed_on=on, **routes)
        fields = {"failed_on": H("concluded_on"), "route_judicial": H("routes")}
    else:
        run = partial(
            _step, actor, rec, "terminate", terminated_on=on, reason=v.get("end_reason", "")
        )
        fields = {"terminated_on": H("concluded_on"), "reason": H("end_reason")}
    return Step(n, H("status"), run, on, fields)


def _steps(actor: Actor, rec: _Record, committee: Committee, kind: DisputeType) -> list[Step]:
    v, n = rec.row.values, rec.row.number
    fields = {"received_on": H("received_on"), "number": H("number"), "source": H("source")}
    run = partial(_receive, actor, rec, committee, kind)
    steps = [Step(n, H("received_on"), run, v["received_on"], fields)]
    if "police_reported_on" in v:
        run = partial(
            _step,
            actor,
            rec,
            "report_police",
            reported_on=v["police_reported_on"],
            note=v.get("police_note", ""),
        )
        fields = {"reported_on": H("police_reported_on"), "note": H("police_note")}
        steps.append(Step(n, H("police_reported_on"), run, v["police_reported_on"], fields))
    if "status" in v:
        steps.append(_result_step(actor, rec))
    if "performance" in v:
        run = partial(
            _step,
            actor,
            rec,
            "perform",
            performance=v["performance"],
            recorded_on=v["performance_on"],
        )
        fields = {"recorded_on": H("performance_on"), "performance": H("performance")}
        steps.append(Step(n, H("performance"), run, v["performance_on"], fields))
    if "confirmation_applied_on" in v:
        run = partial(
            _step,
            actor,
            rec,
            "apply_confirmation",
            applied_on=v["confirmation_applied_on"],
            court=v["confirmation_court"],
        )
        fields = {"applied_on": H("confirmation_applied_on"), "court": H("confirmation_court")}
        steps.append(
            Step(n, H("confirmation_applied_on"), run, v["confirmation_applied_on"], fields)
        )
    if "confirmation_result" in v:
        run = partial(
            _step,
            actor,
            rec,
            "confirmation_result",
            result=v["confirmation_result"],
            result_on=v["confirmation_result_on"],
        )
        fields = {"result_on": H("confirmation_result_on"), "result": H("confirmation_result")}
        steps.append(Step(n, H("confirmation_result"), run, v["confirmation_result_on"], fields))
    return steps


def import_xlsx(
    data: bytes,
    *,
    actor: Actor,
    unit: OrgUnit,
    dry_run: bool = False,
    progress: excel.Progress | None = None,
) -> ImportResult:
    """Import cases of the committees of ``unit``'s subtree, all or nothing: every row is
    checked first; then each case is received and its later steps replayed in date order."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    sheet = excel.read_xlsx(SPEC, data, units=excel.UnitMatcher(unit))
    found, types = _lookups(actor, unit)
    errors = list(sheet.errors)
    bad_rows = {e.row for e in errors}
    groups = []
    for row in sheet.rows:
        row_errors = _check(row, found, types)
        errors += row_errors
        if row.number in bad_rows or row_errors:
            continue
        committee = found[row.values["committee"]][0]
        groups.append(_steps(actor, _Record(row), committee, types[row.values["dispute_type"]]))
    return excel.run_import(
        SPEC, groups, errors, rows=sheet.rows, dry_run=dry_run, progress=progress, actor=actor
    )


CASES = excel.ExcelRegister(
    key="mediation",
    title="人民调解案件",
    spec=SPEC,
    import_xlsx=import_xlsx,
    export_queryset=export_queryset,
    export_xlsx=export_xlsx,
    unit_help="调委会所在的单位范围：调委会须属于该单位或其下级单位",
)

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
