"""Writes of the 案卷评查 app. Every service is keyword-only, atomic and audited.

Standards: :func:`standard_create` (also the Excel import's and the sample's path),
:func:`standard_new_version`, :func:`standard_activate`, :func:`standard_retire`,
:func:`standard_thresholds`. A standard used by a campaign is frozen.

Campaigns: :func:`campaign_create`, :func:`reviewer_assign` (交叉评查), :func:`files_draw`
(seeded random sample of the units' 执法 records, reproducible), :func:`file_add` (chosen by
文书号), :func:`file_score` (marks item by item; the score and grade are computed),
:func:`file_submit`, :func:`file_return`, :func:`rectification_issue` (整改通知 through
:func:`fazhi.plans.services.rectification_create`) and :func:`campaign_close`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.case_review import scoring
from fazhi.case_review.models import (
    Campaign,
    CampaignStatus,
    CampaignUnit,
    CaseFile,
    FileStatus,
    GradeThreshold,
    Item,
    Mark,
    Part,
    Rectification,
    Standard,
    StandardStatus,
)
from fazhi.case_review.rules import Rule, parse_rule
from fazhi.core.audit import snapshot
from fazhi.core.services import record_write
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, require_unit_in_scope, unit_in_scope

#: what the 整改 assignments name as their source (the 整改完成率 metric filters on it)
SOURCE_LABEL = "行政执法案卷评查"


def _day(on: dt.date | None) -> dt.date:
    """``on`` (a back-filled day, never after today) or today."""
    today = timezone.localdate()
    if on is not None and on > today:
        raise ValidationError({"date": "日期不能晚于今天"})
    return on or today


# --- standards -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemData:
    name: str
    points: Decimal
    rule: Rule


@dataclass(frozen=True)
class PartData:
    name: str
    points: Decimal
    items: Sequence[ItemData]


def thresholds_for(province_code: str) -> tuple[Decimal, Decimal]:
    """(优秀不低于, 合格不低于) of a province: its row, else the default row, else 90/60."""
    rows = {
        t.province_code: t
        for t in GradeThreshold.objects.filter(province_code__in=[province_code, ""])
    }
    row = rows.get(province_code) or rows.get("")
    if row is None:
        return Decimal("90"), Decimal("60")
    return row.excellent_min, row.pass_min


def may_edit_standard(actor: Actor, standard: Standard) -> bool:
    if not actor.can(Cap.EDIT_RECORDS):
        return False
    if standard.owner is None:
        return actor.at_top
    return unit_in_scope(standard.owner, actor)


def _require_edit(actor: Actor, standard: Standard) -> None:
    actor.require(Cap.EDIT_RECORDS)
    if not may_edit_standard(actor, standard):
        raise PermissionDenied("只有制定单位可以修改该评查标准")


def _require_unfrozen(standard: Standard) -> None:
    if standard.used:
        raise ValidationError("该版本已用于评查活动，不能修改；请另建新版本")


def check_parts(parts: Sequence[PartData]) -> None:
    """The rules every standard obeys (the import reports them by row before this)."""
    if not parts:
        raise ValidationError({"parts": "评查标准至少要有一个部分"})
    names = [p.name for p in parts]
    if len(set(names)) != len(names):
        raise ValidationError({"parts": "部分名称重复"})
    for part in parts:
        if not part.items:
            raise ValidationError({"parts": f"部分“{part.name}”没有评查项目"})
        if part.points < 0:
            raise ValidationError({"parts": f"部分“{part.name}”的分值不能为负数"})
        for it in part.items:
            problem = item_problem(it)
            if problem:
                raise ValidationError({"parts": f"“{part.name}·{it.name}”：{problem}"})
    if sum((p.points for p in parts), Decimal("0")) <= 0:
        raise ValidationError({"parts": "评查标准的总分应大于0"})


def item_problem(item: ItemData) -> str:
    rule = item.rule
    if rule.kind == scoring.VETO:
        return "" if item.points == 0 else "否决项不设分值"
    if item.points <= 0:
        return "分值应大于0"
    if max(rule.amount, rule.high) > item.points:
        return f"扣分（{rule.text()}）超过分值 {scoring.num(item.points)} 分"
    return ""


@transaction.atomic
def standard_create(
    *,
    actor: Actor,
    owner: OrgUnit | None,
    name: str,
    parts: Sequence[PartData],
    province_code: str = "",
    source: str = "",
    confidence: str = "",
) -> Standard:
    """A new standard (草稿): version 1, or the next version when ``owner`` already has one of
    this name. Grade thresholds are the province's defaults (:func:`thresholds_for`).
    ``owner`` None makes a system-wide standard (the top of the tree only)."""
    actor.require(Cap.EDIT_RECORDS)
    if owner is None:
        actor.require_top()
    else:
        require_unit_in_scope(owner, actor)
    if not name.strip():
        raise ValidationError({"name": "请填写标准名称"})
    standard = _new_standard(
        owner=owner,
        name=name,
        parts=parts,
        province_code=province_code,
        source=source,
        confidence=confidence,
    )
    record_write(
        actor=actor,
        action="case_review.standard_create",
        obj=standard,
        before=None,
        after={
            **snapshot(standard),
            "parts": len(parts),
            "items": sum(len(p.items) for p in parts),
        },
        summary=f"新建评查标准：{standard}",
    )
    return standard


def _new_standard(
    *,
    owner: OrgUnit | None,
    name: str,
    parts: Sequence[PartData],
    province_code: str,
    source: str,
    confidence: str,
    status: str = StandardStatus.DRAFT,
) -> Standard:
    check_parts(parts)
    last = Standard.objects.filter(owner=owner, name=name.strip()).order_by("-version").first()
    excellent, passing = thresholds_for(province_code)
    standard = Standard.objects.create(
        owner=owner,
        name=name.strip()[:120],
        version=(last.version + 1) if last else 1,
        province_code=province_code,
        excellent_min=excellent,
        pass_min=passing,
        source=source,
        confidence=confidence[:20],
        status=status,
    )
    _write_parts(standard, parts)
    return standard


def _write_parts(standard: Standard, parts: Sequence[PartData]) -> None:
    for i, data in enumerate(parts, start=1):
        part = Part.objects.create(
            standard=standard, order=i, name=data.name[:60], points=data.points
        )
        Item.objects.bulk_create(
            Item(
                part=part,
                order=j,
                name=it.name[:200],
                points=it.points,
                kind=it.rule.kind,
                amount=it.rule.amount,
                low=it.rule.low,
                high=it.rule.high,
                rule_text=it.rule.text(),
            )
            for j, it in enumerate(data.items, start=1)
        )


def parts_of(standard: Standard) -> list[PartData]:
    return [
        PartData(
            p.name,
            p.points,
            [
                ItemData(i.name, i.points, Rule(i.kind, i.amount, i.low, i.high))
                for i in p.items.all()
            ],
        )
        for p in standard.parts.prefetch_related("items")
    ]


@transaction.atomic
def standard_new_version(*, actor: Actor, standard: Standard) -> Standard:
    """A copy of ``standard`` as its next version (草稿), thresholds and all."""
    _require_edit(actor, standard)
    copy = standard_create(
        actor=actor,
        owner=standard.owner,
        name=standard.name,
        parts=parts_of(standard),
        province_code=standard.province_code,
        source=standard.source,
        confidence=standard.confidence,
    )
    Standard.objects.filter(pk=copy.pk).update(
        excellent_min=standard.excellent_min, pass_min=standard.pass_min
    )
    copy.refresh_from_db()
    return copy


@transaction.atomic
def standard_thresholds(
    *, actor: Actor, standard: Standard, excellent_min: Decimal, pass_min: Decimal
) -> Standard:
    """Set the grade thresholds of an unused version."""
    _require_edit(actor, standard)
    _require_unfrozen(standard)
    if not (0 <= pass_min <= excellent_min <= standard.full_marks):
        raise ValidationError({"excellent_min": "应满足 0 ≤ 合格分数线 ≤ 优秀分数线 ≤ 满分"})
    before = snapshot(standard)
    standard.excellent_min, standard.pass_min = excellent_min, pass_min
    standard.save(update_fields=["excellent_min", "pass_min"])
    record_write(
        actor=actor,
        action="case_review.standard_set",
        obj=standard,
        before=before,
        after=snapshot(standard),
        summary="修改等次分数线",
    )
    return standard


@transaction.atomic
def standard_activate(*, actor: Actor, standard: Standard) -> Standard:
    """启用 this version; the other active version of the same standard is 停用."""
    _require_edit(actor, standard)
    if standard.status == StandardStatus.ACTIVE:
        raise ValidationError("该版本已启用")
    Standard.objects.filter(
        owner=standard.owner, name=standard.name, status=StandardStatus.ACTIVE
    ).update(status=StandardStatus.RETIRED)
    before = snapshot(standard)
    standard.status = StandardStatus.ACTIVE
    standard.save(update_fields=["status"])
    record_write(
        actor=actor,
        action="case_review.standard_enable",
        obj=standard,
        before=before,
        after=snapshot(standard),
        summary=f"启用评查标准：{standard}",
    )
    return standard


@transaction.atomic
def standard_retire(*, actor: Actor, standard: Standard) -> Standard:
    _require_edit(actor, standard)
    if standard.status != StandardStatus.ACTIVE:
        raise ValidationError("只能停用已启用的版本")
    before = snapshot(standard)
    standard.status = StandardStatus.RETIRED
    standard.save(update_fields=["status"])
    record_write(
        actor=actor,
        action="case_review.standard_disable",
        obj=standard,
        before=before,
        after=snapshot(standard),
        summary=f"停用评查标准：{standard}",
    )
    return standard


# --- campaigns -------------------------------------------------------------------------------
def may_organise(actor: Actor, campaign: Campaign) -> bool:
    return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(campaign.organiser, actor)


def _require_organiser(actor: Actor, campaign: Campaign) -> None:
    actor.require(Cap.EDIT_RECORDS)
    if not unit_in_scope(campaign.organiser, actor):
        raise PermissionDenied("只有评查活动的组织单位可以办理此事项")


def reviewable_root(organiser: OrgUnit) -> OrgUnit:
    """The units a campaign may review: the organiser's government (its parent) and below."""
    return organiser.parent or organiser


def own_unit_problem(unit: OrgUnit, reviewer_unit: OrgUnit) -> str:
    """交叉评查: a unit never reviews files of its own (nor of a unit above or below it)."""
    if unit.path.startswith(reviewer_unit.path) or reviewer_unit.path.startswith(unit.path):
        return f"交叉评查：{reviewer_unit.name}不能评查本单位（{unit.name}）的案卷"
    return ""


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    organiser: OrgUnit,
    year: int,
    title: str,
    standard: Standard,
    units: Sequence[OrgUnit],
    kinds: Sequence[str] = (),
    per_unit: int = 0,
) -> Campaign:
    """A campaign (筹备中) of ``organiser`` reviewing ``units`` with an active standard."""
    actor.require(Cap.EDIT_RECORDS)
    require_unit_in_scope(organiser, actor)
    from fazhi.enforcement_data.models import Kind

    if not title.strip():
        raise ValidationError({"title": "请填写评查活动名称"})
    if standard.status != StandardStatus.ACTIVE:
        raise ValidationError({"standard": f"评查标准“{standard}”未启用"})
    bad = [k for k in kinds if k not in Kind.values]
    if bad:
        raise ValidationError({"kinds": f"执法类别“{'、'.join(bad)}”无效"})
    if not units:
        raise ValidationError({"units": "请选择被评查单位"})
    root = reviewable_root(organiser)
    outside = [u.name for u in units if not u.path.startswith(root.path)]
    if outside:
        raise ValidationError({"units": f"被评查单位须在{root.name}辖区内：{'、'.join(outside)}"})
    if not 0 <= per_unit <= 200:
        raise ValidationError({"per_unit": "每单位抽取卷数应在0～200之间"})
    campaign = Campaign.objects.create(
        organiser=organiser,
        year=year,
        title=title.strip()[:200],
        standard=standard,
        kinds=list(dict.fromkeys(kinds)),
        per_unit=per_unit,
    )
    for unit in dict.fromkeys(units):
        CampaignUnit.objects.create(campaign=campaign, unit=unit)
    record_write(
        actor=actor,
        action="case_review.campaign_create",
        obj=campaign,
        before=None,
        after={**snapshot(campaign), "units": [u.code for u in units]},
        summary=f"新建评查活动：{campaign.title}",
    )
    return campaign


@transaction.atomic
def reviewer_assign(
    *, actor: Actor, campaign: Campaign, unit: OrgUnit, reviewer_unit: OrgUnit
) -> CampaignUnit:
    """The unit that reviews ``unit``'s files (its pending files follow). Refused when it is
    the same unit or one above/below it (交叉评查)."""
    _require_organiser(actor, campaign)
    row = CampaignUnit.objects.filter(campaign=campaign, unit=unit).first()
    if row is None:
        raise ValidationError({"unit": f"{unit.name}不是本次评查的被评查单位"})
    problem = own_unit_problem(unit, reviewer_unit)
    if problem:
        raise ValidationError({"reviewer_unit": problem})
    root = reviewable_root(campaign.organiser)
    if not reviewer_unit.path.startswith(root.path):
        raise ValidationError({"reviewer_unit": f"评查单位须在{root.name}辖区内"})
    row.reviewer_unit = reviewer_unit
    row.save(update_fields=["reviewer_unit"])
    for case_file in campaign.files.filter(unit=unit, status=FileStatus.PENDING):
        case_file.reviewer_unit = reviewer_unit
        case_file.save(update_fields=["reviewer_unit"])
    record_write(
        actor=actor,
        action="case_review.reviewer_assign",
        obj=campaign,
        before=None,
        after={"unit": unit.code, "reviewer_unit": reviewer_unit.code},
        summary=f"{unit.name}的案卷由{reviewer_unit.name}评查",
    )
    return row


def draw_sample(ids: Sequence[int], n: int, seed: int) -> list[int]:
    """The reproducible random sample: the same ids (any order) and seed give the same files."""
    ordered = sorted(ids)
    return sorted(random.Random(seed).sample(ordered, min(n, len(ordered))))


@transaction.atomic
def files_draw(
    *, actor: Actor, campaign: Campaign, seed: int | None = None, on: dt.date | None = None
) -> int:
    """Draw ``per_unit`` files per reviewed unit from its 执法 records of the campaign's year
    and kinds (random, seeded; the seed is stored and audited so the draw can be repeated).
    Once per campaign; the campaign moves to 评查中. Returns the number of files. ``on``
    (default today) back-fills the draw date (the demo data)."""
    from fazhi.enforcement_data.models import Record

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_organiser(actor, campaign)
    if campaign.status != CampaignStatus.PLANNING:
        raise ValidationError("已抽取案卷，不能重复抽取")
    if campaign.per_unit <= 0:
        raise ValidationError({"per_unit": "请先设定每单位抽取卷数"})
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**53)
    made = 0
    per_unit: dict[str, int] = {}
    for row in campaign.units.select_related("unit", "reviewer_unit"):
        records = Record.objects.filter(unit__path__startswith=row.unit.path, year=campaign.year)
        if campaign.kinds:
            records = records.filter(kind__in=campaign.kinds)
        chosen = draw_sample(list(records.values_list("id", flat=True)), campaign.per_unit, seed)
        for record in Record.objects.filter(id__in=chosen).select_related("subject", "unit"):
            _file_from_record(campaign, row, record).save()
            made += 1
        per_unit[row.unit.code] = len(chosen)
    campaign.seed = seed
    campaign.drawn_on = _day(on)
    campaign.status = CampaignStatus.REVIEWING
    campaign.save(update_fields=["seed", "drawn_on", "status"])
    record_write(
        actor=actor,
        action="case_review.files_draw",
        obj=campaign,
        before=None,
        after={
            "seed": seed,
            "kinds": campaign.kinds,
            "per_unit": campaign.per_unit,
            "files": per_unit,
        },
        summary=f"随机抽取案卷 {made} 卷（随机种子 {seed}）",
    )
    return made


def _file_from_record(campaign: Campaign, row: CampaignUnit, record: object) -> CaseFile:
    from fazhi.enforcement_data.models import Record

    assert isinstance(record, Record)
    return CaseFile(
        campaign=campaign,
        unit=row.unit,
        reviewer_unit=row.reviewer_unit,
        record_id=record.pk,
        record_year=record.year,
        subject_name=record.subject.name,
        case_number=record.case_number,
        kind=record.kind,
        decided_on=record.decided_on,
    )


@transaction.atomic
def file_add(
    *,
    actor: Actor,
    campaign: Campaign,
    unit: OrgUnit,
    case_number: str,
    subject_name: str = "",
    kind: str = "",
    decided_on: dt.date | None = None,
) -> CaseFile:
    """A file chosen by hand by its 文书号: copied from the unit's 执法 record of that number,
    or (no such record on the platform) entered with its 执法类别 and 决定日期."""
    from fazhi.enforcement_data.models import Kind, Record

    _require_organiser(actor, campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError("评查活动已结束")
    row = campaign.units.filter(unit=unit).select_related("unit", "reviewer_unit").first()
    if row is None:
        raise ValidationError({"unit": f"{unit.name}不是本次评查的被评查单位"})
    number = case_number.strip()
    if not number:
        raise ValidationError({"case_number": "请填写文书号"})
    if campaign.files.filter(unit=unit, case_number=number).exists():
        raise ValidationError({"case_number": f"案卷“{number}”已在本次评查中"})
    record = (
        Record.objects.filter(unit__path__startswith=unit.path, case_number=number)
        .select_related("subject")
        .order_by("-decided_on")
        .first()
    )
    if record is not None:
        case_file = _file_from_record(campaign, row, record)
    elif kind and decided_on:
        if kind not in Kind.values:
            raise ValidationError({"kind": f"执法类别“{kind}”无效"})
        case_file = CaseFile(
            campaign=campaign,
            unit=unit,
            reviewer_unit=row.reviewer_unit,
            subject_name=subject_name.strip()[:120],
            case_number=number[:60],
            kind=kind,
            decided_on=decided_on,
        )
    else:
        raise ValidationError(
            {
                "case_number": f"平台上没有{unit.name}文书号为“{number}”的执法记录，"
                "请填写执法类别和决定日期"
            }
        )
    case_file.save()
    if campaign.status == CampaignStatus.PLANNING:
        campaign.status = CampaignStatus.REVIEWING
        campaign.save(update_fields=["status"])
    record_write(
        actor=actor,
        action="case_review.file_add",
        obj=case_file,
        before=None,
        after=snapshot(case_file),
        summary=f"选取案卷：{number}",
    )
    return case_file


# --- scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class MarkInput:
    instances: int = 0
    amount: Decimal = Decimal("0")
    veto: bool = False
    note: str = ""

    @property
    def empty(self) -> bool:
        return not (self.instances or self.amount or self.veto)


def score_problem(actor: Actor, case_file: CaseFile) -> str:
    """Why ``actor`` may not score ``case_file`` ("" if he may)."""
    if not actor.can(Cap.REVIEW):
        return f"当前角色“{actor.role_label}”不能评查案卷"
    if case_file.reviewer_unit is None:
        return "尚未指定评查单位"
    if not unit_in_scope(case_file.reviewer_unit, actor):
        return f"该案卷由{case_file.reviewer_unit.name}评查"
    if not actor.is_command_line:
        own = own_unit_problem(case_file.unit, actor.unit)
        if own:
            return own
    if case_file.status != FileStatus.PENDING:
        return "该案卷已评查完成"
    return ""


def _require_scorer(actor: Actor, case_file: CaseFile) -> None:
    problem = score_problem(actor, case_file)
    if problem:
        raise (
            PermissionDenied(problem)
            if case_file.status == FileStatus.PENDING
            else ValidationError(problem)
        )


def compute(case_file: CaseFile, marks: Mapping[int, MarkInput]) -> scoring.Result:
    spec = case_file.campaign.standard.spec()
    return scoring.score(
        spec,
        {
            str(k): scoring.Mark(instances=m.instances, amount=m.amount, veto=m.veto)
            for k, m in marks.items()
            if not m.empty
        },
    )


@transaction.atomic
def file_score(*, actor: Actor, case_file: CaseFile, marks: Mapping[int, MarkInput]) -> CaseFile:
    """The reviewer's findings by item id (the whole set: items left out deduct nothing). Each
    deduction and each veto needs a note. The score and grade are computed, never typed."""
    case_file = (
        CaseFile.objects.select_for_update(of=("self",))
        .select_related("campaign__standard", "unit", "reviewer_unit")
        .get(pk=case_file.pk)
    )
    _require_scorer(actor, case_file)
    items = {i.pk: i for i in Item.objects.filter(part__standard=case_file.campaign.standard)}
    for item_id, m in marks.items():
        item = items.get(item_id)
        if item is None:
            raise ValidationError({"marks": f"评查项目 {item_id} 不在本次评查标准中"})
        if not 0 <= m.instances <= 999 or not Decimal(0) <= m.amount <= Decimal(1000):
            raise ValidationError({f"item_{item_id}": f"“{item.name}”的处数或扣分超出范围"})
        if m.amount != m.amount.quantize(Decimal("0.1")):
            raise ValidationError({f"item_{item_id}": f"“{item.name}”的扣分最多保留一位小数"})
        if not m.empty and not m.note.strip():
            what = "否决" if m.veto else "扣分"
            raise ValidationError({f"note_{item_id}": f"“{item.name}”{what}须填写说明"})
    try:
        result = compute(case_file, marks)
    except scoring.ScoringError as exc:
        raise ValidationError({f"item_{exc.key}": str(exc)}) from None
    before = {"score": str(case_file.score), "grade": case_file.grade}
    case_file.marks.all().delete()
    Mark.objects.bulk_create(
        Mark(
            case_file=case_file,
            item_id=item_id,
            instances=m.instances,
            amount=m.amount,
            veto=m.veto,
            deducted=result.item(str(item_id)).deducted,
            note=m.note.strip(),
        )
        for item_id, m in marks.items()
        if not m.empty
    )
    case_file.score, case_file.grade, case_file.veto = result.total, result.grade, result.veto
    case_file.reviewed_by = actor.name
    case_file.save(update_fields=["score", "grade", "veto", "reviewed_by"])
    record_write(
        actor=actor,
        action="case_review.file_score",
        obj=case_file,
        before=before,
        after={
            "score": str(result.total),
            "grade": result.grade,
            "veto": result.veto,
            "marks": {
                str(k): [m.instances, str(m.amount), m.veto]
                for k, m in marks.items()
                if not m.empty
            },
        },
        summary=f"评分：{result.total}分，{result.grade_label}",
    )
    return case_file


def saved_marks(case_file: CaseFile) -> dict[int, MarkInput]:
    return {
        m.item_id: MarkInput(m.instances, m.amount, m.veto, m.note) for m in case_file.marks.all()
    }


@transaction.atomic
def file_submit(*, actor: Actor, case_file: CaseFile, on: dt.date | None = None) -> CaseFile:
    """评查完成: the file's score is recomputed from its marks and fixed (``on``: the day,
    default today; for back-filling)."""
    case_file = (
        CaseFile.objects.select_for_update(of=("self",))
        .select_related("campaign__standard", "unit", "reviewer_unit")
        .get(pk=case_file.pk)
    )
    _require_scorer(actor, case_file)
    result = compute(case_file, saved_marks(case_file))
    case_file.score, case_file.grade, case_file.veto = result.total, result.grade, result.veto
    case_file.status = FileStatus.DONE
    case_file.submitted_on = _day(on)
    case_file.reviewed_by = actor.name
    case_file.return_note = ""
    case_file.save()
    record_write(
        actor=actor,
        action="case_review.file_submit",
        obj=case_file,
        before={"status": FileStatus.PENDING},
        after={"status": FileStatus.DONE, "score": str(result.total), "grade": result.grade},
        summary=f"评查完成：{result.total}分，{result.grade_label}",
    )
    return case_file


def return_problem(case_file: CaseFile, today: dt.date) -> str:
    if case_file.status != FileStatus.DONE:
        return "只能退回已评查完成的案卷"
    if case_file.campaign.status == CampaignStatus.CLOSED:
        return "评查活动已结束"
    return ""


@transaction.atomic
def file_return(*, actor: Actor, case_file: CaseFile, note: str) -> CaseFile:
    """The organiser returns a finished file to its reviewer, with the reason."""
    case_file = (
        CaseFile.objects.select_for_update(of=("self",))
        .select_related("campaign__organiser")
        .get(pk=case_file.pk)
    )
    _require_organiser(actor, case_file.campaign)
    problem = return_problem(case_file, timezone.localdate())
    if problem:
        raise ValidationError(problem)
    if not note.strip():
        raise ValidationError({"note": "请填写退回意见"})
    case_file.status = FileStatus.PENDING
    case_file.submitted_on = None
    case_file.return_note = note.strip()
    case_file.save(update_fields=["status", "submitted_on", "return_note"])
    record_write(
        actor=actor,
        action="case_review.file_return",
        obj=case_file,
        before={"status": FileStatus.DONE},
        after={"status": FileStatus.PENDING, "note": case_file.return_note},
        summary=f"退回重评：{case_file.return_note}",
    )
    return case_file


# --- 整改 ------------------------------------------------------------------------------------
def deductions_of(campaign: Campaign, unit: OrgUnit) -> list[Mark]:
    return list(
        Mark.objects.filter(
            case_file__campaign=campaign, case_file__unit=unit, case_file__status=FileStatus.DONE
        )
        .select_related("case_file", "item")
        .order_by("case_file__case_number", "item__part__order", "item__order")
    )


def rectification_text(campaign: Campaign, unit: OrgUnit) -> str:
    lines = [
        f"{campaign.title}中，{unit.name}的案卷存在以下问题，请逐项整改并报送整改情况和佐证材料："
    ]
    for n, m in enumerate(deductions_of(campaign, unit), start=1):
        what = "否决" if m.veto else f"扣{scoring.num(m.deducted)}分"
        lines.append(f"{n}. {m.case_file.case_number}：{m.item.name}（{what}）——{m.note}")
    return "\n".join(lines)


@transaction.atomic
def rectification_issue(
    *,
    actor: Actor,
    campaign: Campaign,
    unit: OrgUnit,
    due_on: dt.date,
    content: str = "",
    issued_on: dt.date | None = None,
) -> Rectification:
    """整改通知 to a unit whose finished files have deductions, tracked as a plans 整改任务
    (:func:`fazhi.plans.services.rectification_create`): the unit replies through the plans
    page with evidence, the organiser reviews, may send a 督办单."""
    from django.urls import reverse

    from fazhi.plans.services import rectification_create

    _require_organiser(actor, campaign)
    if not campaign.units.filter(unit=unit).exists():
        raise ValidationError({"unit": f"{unit.name}不是本次评查的被评查单位"})
    if Rectification.objects.filter(campaign=campaign, unit=unit).exists():
        raise ValidationError({"unit": f"已向{unit.name}下发整改通知"})
    if not deductions_of(campaign, unit):
        raise ValidationError({"unit": f"{unit.name}已评查完成的案卷没有扣分，无需整改"})
    text = content.strip() or rectification_text(campaign, unit)
    assignment = rectification_create(
        actor=actor,
        organiser=campaign.organiser,
        unit=unit,
        title=f"{campaign.title}整改（{unit.name}）",
        content=text,
        due_on=due_on,
        source_label=SOURCE_LABEL,
        source_url=reverse("case_review_campaigns_detail", args=[campaign.pk]),
        issued_on=issued_on,
    )
    row = Rectification.objects.create(
        campaign=campaign,
        unit=unit,
        assignment=assignment,
        issued_on=_day(issued_on),
        due_on=due_on,
        content=text,
    )
    record_write(
        actor=actor,
        action="case_review.rectification_issue",
        obj=campaign,
        before=None,
        after={"unit": unit.code, "due_on": due_on.isoformat(), "assignment": assignment.pk},
        summary=f"向{unit.name}下发整改通知（期限 {due_on}）",
    )
    return row


@transaction.atomic
def campaign_close(*, actor: Actor, campaign: Campaign) -> Campaign:
    _require_organiser(actor, campaign)
    if campaign.status != CampaignStatus.REVIEWING:
        raise ValidationError("只能结束评查中的活动")
    pending = campaign.files.filter(status=FileStatus.PENDING).count()
    if pending:
        raise ValidationError(f"还有 {pending} 卷未评查完成")
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    record_write(
        actor=actor,
        action="case_review.campaign_close",
        obj=campaign,
        before={"status": CampaignStatus.REVIEWING},
        after={"status": CampaignStatus.CLOSED},
        summary="结束评查活动",
    )
    return campaign


# --- the shipped sample and thresholds (data) ------------------------------------------------
def sample_data() -> dict[str, object]:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "sample_standard.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def sample_parts() -> list[PartData]:
    std = sample_data()["standard"]
    assert isinstance(std, dict)
    return [
        PartData(
            p["name"],
            Decimal(p["points"]),
            [ItemData(i["name"], Decimal(i["points"]), parse_rule(i["rule"])) for i in p["items"]],
        )
        for p in std["parts"]
    ]


@transaction.atomic
def sample_sync() -> Standard:
    """Install the default grade thresholds (rows not there yet) and the sample standard
    (system-wide, 启用) if no system standard of its name exists. Idempotent; run after
    ``migrate`` (shipped data, like the deadline rules: not an audited user write)."""
    data = sample_data()
    rows = data["thresholds"]
    assert isinstance(rows, list)
    for row in rows:
        GradeThreshold.objects.get_or_create(
            province_code=row["province_code"],
            defaults={
                "excellent_min": Decimal(row["excellent_min"]),
                "pass_min": Decimal(row["pass_min"]),
                "basis": row["basis"],
            },
        )
    std = data["standard"]
    assert isinstance(std, dict)
    found = Standard.objects.filter(owner=None, name=std["name"]).order_by("-version").first()
    if found is not None:
        return found
    return _new_standard(
        owner=None,
        name=std["name"],
        parts=sample_parts(),
        province_code="",
        source=std["source"],
        confidence=std["confidence"],
        status=StandardStatus.ACTIVE,
    )
