"""考核结果 out of the platform: the results workbook (one row per unit, the first-level
indicators' lost points, totals, grades, ranks) and the 通报 in the 公文 layout (.docx, the
annual report's renderer)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fazhi.assessments.models import Campaign, Evaluation, Indicator, IndicatorKind, Status
from fazhi.assessments.scoring import num
from fazhi.core.excel import Column, Kind, Spec, export_xlsx


def lost_by_branch(tree: list[Indicator], applied: dict[int, Decimal]) -> dict[int, Decimal]:
    """Points lost by each scored branch (and each first-level indicator): its leaves' stored
    deductions added up, each branch capped by its limit (its cap, else its points), as the
    scoring function does."""
    kids: dict[int | None, list[Indicator]] = {}
    for ind in tree:
        kids.setdefault(ind.parent_id, []).append(ind)
    out: dict[int, Decimal] = {}

    def lost(ind: Indicator) -> Decimal:
        own = applied.get(ind.pk, Decimal(0))
        below = [c for c in kids.get(ind.pk, []) if c.kind == IndicatorKind.SCORE]
        if not below:
            return own
        raw = sum((lost(c) for c in below), Decimal(0)) + own
        limit = ind.cap if ind.cap is not None else (ind.points if ind.points > 0 else None)
        out[ind.pk] = min(raw, limit) if limit is not None else raw
        return out[ind.pk]

    for root in kids.get(None, []):
        if root.kind == IndicatorKind.SCORE:
            out[root.pk] = lost(root)  # a root may itself be a leaf
    return out


def results(campaign: Campaign) -> tuple[list[Any], list[tuple[Evaluation, dict[int, Decimal]]]]:
    """The first-level indicators and, per evaluation (peer group, rank order), the points
    lost under each (branches capped as the scoring function caps them)."""
    from fazhi.assessments.models import Answer

    tree = list(campaign.system.indicators.order_by("order", "pk"))
    roots = [i for i in tree if i.parent_id is None]
    evaluations = list(
        campaign.evaluations.select_related("unit").order_by("peer_group", "rank", "unit__path")
    )
    stored: dict[int, dict[int, Decimal]] = {e.pk: {} for e in evaluations}
    rows = Answer.objects.filter(
        evaluation__campaign=campaign, applied__gt=0, indicator__kind=IndicatorKind.SCORE
    ).values_list("evaluation_id", "indicator_id", "applied")
    for eid, iid, applied in rows:
        stored[eid][iid] = applied or Decimal(0)
    out = []
    for e in evaluations:
        lost = lost_by_branch(tree, stored[e.pk])
        out.append((e, {r.pk: lost[r.pk] for r in roots if lost.get(r.pk)}))
    return roots, out


def results_xlsx(campaign: Campaign) -> bytes:
    roots, rows = results(campaign)
    columns = [
        Column("被考核单位", "unit"),
        Column("分组", "group"),
    ]
    columns += [
        Column(f"{r.code}.{r.name}扣分", f"root_{r.pk}")
        for r in roots
        if r.kind == IndicatorKind.SCORE
    ]
    columns += [
        Column("加分", "bonus"),
        Column("得分", "total"),
        Column("一票否决", "vetoed", Kind.BOOL),
        Column("档次", "grade"),
        Column("组内排名", "rank", Kind.INT),
        Column("系统预填项数", "prefilled", Kind.INT),
        Column("单位填写项数", "typed", Kind.INT),
        Column("单位上传文件数", "files", Kind.INT),
    ]
    spec = Spec(
        title=f"{campaign.title}结果",
        columns=tuple(columns),
        notes=(
            f"{campaign.organiser.name}，{campaign.get_status_display()}。",
            "各一级指标列为该指标扣分（扣完为止）；得分含加分；一票否决的档次为不合格。",
        ),
    )
    data = [
        {
            "unit": e.unit.name,
            "group": e.get_peer_group_display(),
            **{f"root_{r.pk}": num(per[r.pk]) if r.pk in per else "0" for r in roots},
            "bonus": num(e.bonus) if e.bonus is not None else None,
            "total": num(e.total) if e.total is not None else None,
            "vetoed": e.vetoed,
            "grade": e.grade,
            "rank": e.rank,
            "prefilled": e.prefilled,
            "typed": e.typed_fields,
            "files": e.uploaded_files,
        }
        for e, per in rows
    ]
    return export_xlsx(spec, data)


def notice_docx(campaign: Campaign) -> bytes:
    """关于{考核}结果的通报, in the 公文 layout."""
    from fazhi.reports.document import HEADING_1, PARAGRAPH, Block, ReportDocument
    from fazhi.reports.docx import render_docx

    roots, rows = results(campaign)
    final = campaign.status == Status.FROZEN
    blocks = [
        Block(
            PARAGRAPH,
            f"根据{campaign.year}年度法治政府建设工作安排，{campaign.organiser.name}组织开展了"
            f"{campaign.title}，采用“{campaign.system}”，对{len(rows)}个单位进行了"
            f"{campaign.get_kind_display()}。能够由系统台账计算的指标由平台直接取数，"
            "各单位只填报台账中没有的内容。"
            + (
                "经单位自评、审核评分、结果公示和异议处理，现将结果通报如下。"
                if final
                else "现将考核结果予以公示，公示期间各单位可对具体指标提出异议。"
            ),
        ),
        Block(HEADING_1, "一、考核结果"),
    ]
    groups: dict[str, list[tuple[Evaluation, dict[int, Decimal]]]] = {}
    for e, per in rows:
        groups.setdefault(e.get_peer_group_display(), []).append((e, per))
    for label, members in groups.items():
        listed = "；".join(
            f"第{e.rank}名 {e.unit.name}，{num(e.total or Decimal(0))}分"
            f"（{'一票否决' if e.vetoed else e.grade}）"
            for e, _ in members
        )
        blocks.append(Block(PARAGRAPH, f"{label}：{listed}。"))
    for grade in sorted({e.grade for e, _ in rows if e.grade}):
        names = "、".join(e.unit.name for e, _ in rows if e.grade == grade)
        blocks.append(Block(PARAGRAPH, f"档次为“{grade}”的单位：{names}。"))
    blocks.append(Block(HEADING_1, "二、存在的主要问题"))
    worst = []
    for r in roots:
        if r.kind != IndicatorKind.SCORE:
            continue
        total = sum((per.get(r.pk, Decimal(0)) for _, per in rows), Decimal(0))
        units = sum(1 for _, per in rows if per.get(r.pk))
        if total:
            worst.append((total, r, units))
    worst.sort(key=lambda t: (-t[0], t[1].order))
    if worst:
        for n, (total, r, units) in enumerate(worst[:5], start=1):
            blocks.append(
                Block(PARAGRAPH, f"（{n}）{r.name}：{units}个单位失分，合计扣{num(total)}分。")
            )
    else:
        blocks.append(Block(PARAGRAPH, "各单位均未失分。"))
    blocks.append(Block(HEADING_1, "三、工作要求"))
    blocks.append(
        Block(
            PARAGRAPH,
            f"各单位要对照得分说明逐项查找原因，对下发的整改问题在规定期限"
            f"（{campaign.rectify_days}日）内整改到位，并在平台报送整改进展和佐证材料。",
        )
    )
    document = ReportDocument(
        title=f"{campaign.organiser.name}关于{campaign.title}结果的通报",
        blocks=tuple(blocks),
        issuer=campaign.organiser.name,
        issued_on=campaign.frozen_on or campaign.published_on,
    )
    return render_docx(document)
