"""行政复议 register in Excel: the columns, export rows, and the import replayed through services.

One row per case. The 受理情况 column gives the state reached; the date columns give the
steps, which the import replays in order through :mod:`fazhi.reconsideration.services`
(收到 → 补正 → 收到补正材料 → 受理/视为受理/不予受理/视为放弃 → 中止/恢复 → 延期 → 审结), so
deadlines, timeline events and audit entries are exactly those of cases entered on screen.
The applicant's name may be imported (stored encrypted by the service) but is never exported;
ID numbers and phone numbers are neither imported nor exported. See docs/EXCEL.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from fazhi.core import excel
from fazhi.core.excel import Column, ImportResult, Kind, Row, RowError, Spec, Step
from fazhi.core.excel import choices_of as _choices
from fazhi.orgs.models import OrgUnit, UnitKind
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, visible_to
from fazhi.reconsideration import services
from fazhi.reconsideration.models import (
    AcceptanceKind,
    ActCategory,
    ApplicantKind,
    Channel,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    SuspensionGround,
)

ACCEPTANCE = (
    ("accepted", "受理"),
    ("deemed", "视为受理"),
    ("not_accepted", "不予受理"),
    ("reviewing", "审查中"),
    ("correcting", "补正中"),
    ("abandoned", "视为放弃申请"),
    ("withdrawn", "受理前撤回申请"),
)
_CN_NUMBERS = "一二三四五六七八九十"
_GROUND_ALIASES = tuple(
    (alias, str(n))
    for n, cn in enumerate(_CN_NUMBERS, start=1)
    for alias in (f"（{cn}）", f"第{cn}项", f"第{n}项")
)

SPEC = Spec(
    title="行政复议案件",
    columns=(
        Column("复议案号", "number", required=True, max_length=64, help="本机构内不重复"),
        Column("复议机关", "authority", max_length=100, help="留空：导入单位所属的人民政府"),
        Column(
            "被申请人",
            "respondent",
            Kind.UNIT,
            required=True,
            text_fallback=True,
            help="本级人民政府辖区内的单位按全称、简称或编码关联；找不到的按文字保存",
        ),
        Column("申请人类别", "applicant_kind", Kind.CHOICE, True, choices=_choices(ApplicantKind)),
        Column(
            "申请人",
            "applicant_name",
            help="仅导入时使用，加密保存；导出时不输出（个人信息）",
            exportable=False,
        ),
        Column(
            "申请方式", "channel", Kind.CHOICE, choices=_choices(Channel), help="留空：当面递交"
        ),
        Column("收到申请日期", "received_on", Kind.DATE, required=True),
        Column("行政行为类别", "act_category", Kind.CHOICE, True, choices=_choices(ActCategory)),
        Column("申请事项", "matter"),
        Column(
            "受理情况",
            "acceptance",
            Kind.CHOICE,
            required=True,
            choices=ACCEPTANCE,
            aliases=(("决定受理", "accepted"), ("已受理", "accepted"), ("审查", "reviewing")),
            help="案件目前所处的情况，决定需要填写哪些日期（见下方规则）",
        ),
        Column("补正通知日期", "correction_notified_on", Kind.DATE),
        Column("收到补正材料日期", "correction_received_on", Kind.DATE),
        Column("受理日期", "accepted_on", Kind.DATE, help="视为受理的，为受理审查期限届满日"),
        Column(
            "审理程序",
            "procedure",
            Kind.CHOICE,
            choices=_choices(Procedure),
            aliases=(("普通", "ordinary"), ("简易", "simple")),
            help="受理的案件必填；视为受理的适用普通程序",
        ),
        Column("不予受理决定日期", "refused_on", Kind.DATE),
        Column("撤回申请日期", "withdrawn_on", Kind.DATE, help="受理前撤回申请的填写"),
        Column("不予受理理由", "refusal_reason"),
        Column("中止日期", "suspended_on", Kind.DATE, multiple=True, help="多次中止用“；”分隔"),
        Column("恢复日期", "resumed_on", Kind.DATE, multiple=True, help="与中止日期一一对应"),
        Column(
            "中止情形",
            "ground",
            Kind.CHOICE,
            multiple=True,
            choices=_choices(SuspensionGround),
            aliases=_GROUND_ALIASES,
            help="行政复议法第三十九条第一款的项，可填“（七）”；留空为“（十）其他情形”",
        ),
        Column("延期批准日期", "extension_approved_on", Kind.DATE),
        Column(
            "延长天数",
            "extension_days",
            Kind.INT,
            help="1日至期限规则规定的上限（全国默认30日，以本省规则为准）",
        ),
        Column("结案日期", "closed_on", Kind.DATE),
        Column("结案方式", "outcome", Kind.CHOICE, choices=_choices(Outcome)),
        Column("结案说明", "outcome_note"),
        Column("审理期限", "decision_due", Kind.DATE, importable=False, help="导出时计算"),
        Column("法定期限内结案", "closed_on_time", Kind.BOOL, importable=False, help="导出时计算"),
    ),
    notes=(
        "规则：",
        "1. 一行一件。导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
        "2. 受理情况为“受理”的，必填受理日期、审理程序；“不予受理”的必填不予受理决定日期和理由；"
        "“补正中”“视为放弃申请”的必填补正通知日期。",
        "3. 视为受理：按收到申请（补正材料）日期计算受理审查期限，以届满日为受理日期，"
        "适用普通程序。",
        "4. 视为放弃申请：记录在补正期限届满的次日。受理前撤回申请的，填写撤回申请日期"
        "（不晚于受理审查期限届满日；受理后撤回的，按受理填写并以撤回结案）。",
        "5. 已通知补正又收到补正材料的，两个日期都要填写；多次补正的填写最后一次。",
        "6. 多次中止的，中止日期、恢复日期、中止情形按次序用“；”分隔；最后一次中止尚未恢复的，"
        "恢复日期少填一个。",
        "7. 期限（补正期限、受理审查期限、审理期限）和是否按期结案由系统计算，无需填写。",
        "8. 申请人身份证件号码、联系电话不通过 Excel 导入导出。",
    ),
)
H = SPEC.header_of

#: Lifecycle columns each 受理情况 allows; the rest must be blank.
_ACCEPTED_KEYS = frozenset(
    {
        "correction_notified_on",
        "correction_received_on",
        "accepted_on",
        "procedure",
        "suspended_on",
        "resumed_on",
        "ground",
        "extension_approved_on",
        "extension_days",
        "closed_on",
        "outcome",
        "outcome_note",
    }
)
ALLOWED: dict[str, frozenset[str]] = {
    "reviewing": frozenset({"correction_notified_on", "correction_received_on"}),
    "correcting": frozenset({"correction_notified_on"}),
    "abandoned": frozenset({"correction_notified_on"}),
    "withdrawn": frozenset({"correction_notified_on", "correction_received_on", "withdrawn_on"}),
    "not_accepted": frozenset(
        {"correction_notified_on", "correction_received_on", "refused_on", "refusal_reason"}
    ),
    "accepted": _ACCEPTED_KEYS,
    "deemed": _ACCEPTED_KEYS,
}
LIFECYCLE = frozenset().union(*ALLOWED.values())
REQUIRED: dict[str, tuple[str, ...]] = {
    "correcting": ("correction_notified_on",),
    "abandoned": ("correction_notified_on",),
    "withdrawn": ("withdrawn_on",),
    "not_accepted": ("refused_on", "refusal_reason"),
    "accepted": ("accepted_on", "procedure"),
}
PAIRS = (("closed_on", "outcome"), ("extension_approved_on", "extension_days"))


# --- export --------------------------------------------------------------------------------
def acceptance_of(case: ReconsiderationCase) -> str:
    """The 受理情况 value of a case."""
    simple = {
        Status.REVIEWING: "reviewing",
        Status.CORRECTING: "correcting",
        Status.NOT_ACCEPTED: "not_accepted",
        Status.ABANDONED: "abandoned",
        Status.WITHDRAWN: "withdrawn",
    }
    if case.status in simple:
        return simple[Status(case.status)]
    return "deemed" if case.acceptance_kind == AcceptanceKind.DEEMED else "accepted"


def export_row(case: ReconsiderationCase) -> dict[str, Any]:
    """A case as a row of the workbook (by column key)."""
    pauses = sorted(case.suspensions.all(), key=lambda s: (s.suspended_on, s.pk))
    row = {c.key: getattr(case, c.key, None) for c in SPEC.export_columns}
    row.update(
        respondent=case.respondent_display,
        acceptance=acceptance_of(case),
        suspended_on=[p.suspended_on for p in pauses],
        resumed_on=[p.resumed_on for p in pauses if p.resumed_on],
        ground=[p.ground for p in pauses],
    )
    return row


def export_queryset(actor: Actor, year: int | None = None) -> models.QuerySet[ReconsiderationCase]:
    """Cases the actor sees (handled or respondent in its subtree), received in ``year``."""
    qs = visible_to(ReconsiderationCase.objects.all(), actor)
    if year is not None:
        qs = qs.filter(
            received_on__gte=dt.date(year, 1, 1), received_on__lt=dt.date(year + 1, 1, 1)
        )
    return qs.order_by("received_on", "id")


def export_xlsx(qs: models.QuerySet[ReconsiderationCase]) -> bytes:
    """The cases of ``qs`` (already scoped, in its order) as an .xlsx workbook."""
    cases = qs.select_related("respondent").prefetch_related("suspensions")
    return excel.export_xlsx(SPEC, (export_row(c) for c in cases.iterator(chunk_size=1000)))


# --- import: checks before anything is written -----------------------------------------------
def respondent_scope(unit: OrgUnit) -> OrgUnit:
    """Where 被申请人 names are looked up: the government the 复议机构 acts for."""
    if unit.kind == UnitKind.GOVERNMENT:
        return unit
    chain = OrgUnit.objects.filter(pk__in=unit.ancestor_ids, kind=UnitKind.GOVERNMENT)
    return chain.order_by("-depth").first() or unit


def _check_state(row: Row) -> list[RowError]:
    state = row.get("acceptance")
    if state is None:
        return []
    label = dict(ACCEPTANCE)[state]
    errors = [
        RowError(row.number, H(key), f"受理情况为“{label}”的案件不应填写此项")
        for key in sorted(LIFECYCLE - ALLOWED[state], key=SPEC.order_of)
        if row.filled(key)
    ]
    errors += [
        RowError(row.number, H(key), f"受理情况为“{label}”的案件必须填写")
        for key in REQUIRED.get(state, ())
        if not row.filled(key)
    ]
    corrected = state not in ("correcting", "abandoned", "withdrawn")
    notified = row.filled("correction_notified_on")
    if corrected and notified and not row.filled("correction_received_on"):
        reason = f"已通知补正、受理情况为“{label}”的，应填写收到补正材料日期"
        errors.append(RowError(row.number, H("correction_received_on"), reason))
    if row.filled("correction_received_on") and not row.filled("correction_notified_on"):
        errors.append(RowError(row.number, H("correction_notified_on"), "请填写补正通知日期"))
    if state == "deemed" and row.get("procedure") == Procedure.SIMPLE:
        errors.append(RowError(row.number, H("procedure"), "视为受理的案件适用普通程序"))
    return errors


def _check_pairs(row: Row) -> list[RowError]:
    errors = []
    for first, second in PAIRS:
        if row.filled(first) != row.filled(second):
            missing, other = (second, first) if row.filled(first) else (first, second)
            errors.append(RowError(row.number, H(missing), f"填写了{H(other)}的，此项必填"))
    paused, resumed = len(row.get("suspended_on", [])), len(row.get("resumed_on", []))
    grounds = len(row.get("ground", []))
    if resumed > paused:
        errors.append(RowError(row.number, H("resumed_on"), "恢复日期比中止日期多"))
    elif resumed < paused - 1:
        reason = "除最后一次外，每次中止都应填写恢复日期（按次序用“；”分隔）"
        errors.append(RowError(row.number, H("resumed_on"), reason))
    if grounds not in (0, 1, paused):
        reason = f"填写了{grounds}个中止情形，但有{paused}次中止"
        errors.append(RowError(row.number, H("ground"), reason))
    return errors


def _check_numbers(rows: list[Row], unit: OrgUnit) -> list[RowError]:
    errors: list[RowError] = []
    first: dict[str, int] = {}
    numbers = {row.get("number") for row in rows} - {None}
    existing = set(
        ReconsiderationCase.objects.filter(unit=unit, number__in=numbers).values_list(
            "number", flat=True
        )
    )
    for row in rows:
        number = row.get("number")
        if number is None:
            continue
        if number in existing:
            errors.append(RowError(row.number, H("number"), f"“{number}”已在系统中登记"))
        elif number in first:
            reason = f"“{number}”与第{first[number]}行重复"
            errors.append(RowError(row.number, H("number"), reason))
        first.setdefault(number, row.number)
    return errors


# --- import: the service calls ---------------------------------------------------------------
@dataclass
class _Holder:
    case: ReconsiderationCase | None = None

    @property
    def it(self) -> ReconsiderationCase:
        assert self.case is not None
        return self.case


def _receive(actor: Actor, unit: OrgUnit, row: Row, held: _Holder) -> None:
    respondent = row.get("respondent")
    held.case = services.case_receive(
        actor=actor,
        unit=unit,
        number=row.get("number", ""),
        authority=row.get("authority", ""),
        respondent=respondent if isinstance(respondent, OrgUnit) else None,
        respondent_name=respondent if isinstance(respondent, str) else "",
        applicant_kind=row.get("applicant_kind", ApplicantKind.PERSON),
        applicant_name=row.get("applicant_name", ""),
        channel=row.get("channel", Channel.IN_PERSON),
        received_on=row.get("received_on"),
        act_category=row.get("act_category"),
        matter=row.get("matter", ""),
    )


def _deem(actor: Actor, row: Row, held: _Holder) -> None:
    held.case = case = services.case_deem_accepted(actor=actor, case=held.it)
    given = row.get("accepted_on")
    if given is not None and given != case.accepted_on:
        due, filled = f"{case.accepted_on:%Y年%-m月%-d日}", f"{given:%Y年%-m月%-d日}"
        reason = f"视为受理的日期为受理审查期限届满日（{due}），与所填日期（{filled}）不一致"
        raise ValidationError({"accepted_on": reason})


def _abandon(actor: Actor, held: _Holder) -> None:
    due = held.it.correction_due
    assert due is not None
    if timezone.localdate() <= due:
        raise ValidationError(f"补正期限至{due:%Y年%-m月%-d日}届满，届满后才能视为放弃申请")
    held.case = services.case_abandon(actor=actor, case=held.it, on=due + dt.timedelta(days=1))


def _call(held: _Holder, service: Any, **kwargs: Any) -> None:
    held.case = service(case=held.it, **kwargs)


def _decision_steps(actor: Actor, row: Row, held: _Holder) -> list[Step]:
    state, n = row.get("acceptance"), row.number
    call = partial(_call, held, actor=actor)
    if state == "accepted":
        run = partial(
            call,
            services.case_accept,
            accepted_on=row.get("accepted_on"),
            procedure=row.get("procedure"),
        )
        fields = {"date": H("accepted_on"), "procedure": H("procedure")}
        return [Step(n, H("accepted_on"), run, row.get("accepted_on"), fields)]
    if state == "not_accepted":
        run = partial(
            call,
            services.case_refuse,
            refused_on=row.get("refused_on"),
            reason=row.get("refusal_reason"),
        )
        fields = {"date": H("refused_on"), "reason": H("refusal_reason")}
        return [Step(n, H("refused_on"), run, row.get("refused_on"), fields)]
    if state == "deemed":
        return [Step(n, H("acceptance"), partial(_deem, actor, row, held))]
    if state == "abandoned":
        return [Step(n, H("acceptance"), partial(_abandon, actor, held))]
    if state == "withdrawn":
        on = row.get("withdrawn_on")
        run = partial(call, services.case_withdraw, withdrawn_on=on)
        return [Step(n, H("withdrawn_on"), run, on, {"date": H("withdrawn_on")})]
    return []


def _pause_steps(actor: Actor, row: Row, held: _Holder) -> list[Step]:
    """中止/恢复/延期 in the order they happened (a same-day extension precedes a 中止)."""
    call, n = partial(_call, held, actor=actor), row.number
    paused, resumed = row.get("suspended_on", []), row.get("resumed_on", [])
    grounds = row.get("ground", []) or [SuspensionGround.G10]
    keyed: list[tuple[tuple[dt.date, int, int], Step]] = []
    for i, on in sorted(enumerate(paused), key=lambda p: p[1]):
        ground = grounds[i] if i < len(grounds) else grounds[0]
        run = partial(call, services.case_suspend, suspended_on=on, ground=ground)
        fields = {"date": H("suspended_on"), "ground": H("ground")}
        keyed.append(((on, 2, i), Step(n, H("suspended_on"), run, on, fields)))
        if i < len(resumed):
            back = resumed[i]
            run = partial(call, services.case_resume, resumed_on=back)
            keyed.append(((back, 0 if back > on else 3, i), Step(n, H("resumed_on"), run, back)))
    approved = row.get("extension_approved_on")
    if approved is not None:
        run = partial(
            call, services.case_extend, approved_on=approved, days=row.get("extension_days")
        )
        fields = {"date": H("extension_approved_on"), "days": H("extension_days")}
        keyed.append(((approved, 1, 0), Step(n, H("extension_approved_on"), run, approved, fields)))
    return [step for _, step in sorted(keyed, key=lambda k: k[0])]


def _steps(actor: Actor, unit: OrgUnit, row: Row) -> list[Step]:
    held, n = _Holder(), row.number
    call = partial(_call, held, actor=actor)
    receive_fields = {"date": H("received_on"), "respondent_name": H("respondent")}
    steps = [
        Step(
            n,
            H("received_on"),
            partial(_receive, actor, unit, row, held),
            row.get("received_on"),
            receive_fields,
        )
    ]
    notified, corrected = row.get("correction_notified_on"), row.get("correction_received_on")
    if notified is not None:
        run = partial(call, services.case_request_correction, notified_on=notified)
        steps.append(Step(n, H("correction_notified_on"), run, notified))
    if corrected is not None:
        run = partial(call, services.case_receive_correction, received_on=corrected)
        steps.append(Step(n, H("correction_received_on"), run, corrected))
    steps += _decision_steps(actor, row, held)
    steps += _pause_steps(actor, row, held)
    closed = row.get("closed_on")
    if closed is not None:
        run = partial(
            call,
            services.case_close,
            closed_on=closed,
            outcome=row.get("outcome"),
            note=row.get("outcome_note", ""),
        )
        fields = {"date": H("closed_on"), "outcome": H("outcome")}
        steps.append(Step(n, H("closed_on"), run, closed, fields))
    return steps


def import_xlsx(
    data: bytes,
    *,
    actor: Actor,
    unit: OrgUnit,
    dry_run: bool = False,
    progress: excel.Progress | None = None,
) -> ImportResult:
    """Import an .xlsx of cases handled by ``unit`` (the 复议机构), all or nothing.

    Every row is checked first (format, 受理情况 vs the dates filled, duplicate 案号 in the
    file or already registered for ``unit``); then every case is replayed through the
    services in short batches (:func:`fazhi.core.excel.execute`; ``progress(done, total)``
    after each). Any error, or ``dry_run``, leaves the database unchanged (a failing batch
    rolls back and the earlier ones are undone). Raises PermissionDenied unless the actor may
    edit records of ``unit``.
    """
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(unit, actor)
    sheet = excel.read_xlsx(SPEC, data, units=excel.UnitMatcher(respondent_scope(unit)))
    errors = sheet.errors + _check_numbers(sheet.rows, unit)
    for row in sheet.rows:
        errors += _check_state(row) + _check_pairs(row)
    bad = {error.row for error in errors}
    groups = [_steps(actor, unit, row) for row in sheet.rows if row.number not in bad]
    return excel.run_import(
        SPEC,
        groups,
        errors,
        rows=sheet.rows,
        dry_run=dry_run,
        progress=progress,
        actor=actor,
    )


REGISTER = excel.ExcelRegister(
    key="reconsideration",
    title="行政复议",
    spec=SPEC,
    import_xlsx=import_xlsx,
    export_queryset=export_queryset,
    export_xlsx=export_xlsx,
    unit_help="承办案件的行政复议机构（如司法局）；被申请人在其所属人民政府辖区内查找",
)
