"""Numbers, rules and states of the 考核 pages written as a county clerk reads them: 1.2 (not
1.20 or 1.2000), 不低于 100% (not >= 100.0), 未提交自评 (not 待自评 once 自评 is over)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from fazhi.assessments import scoring

register = template.Library()
SHORT_RULES = {
    "threshold": "达标判断",
    "linear": "按比例计分",
    "per_count": "按件（次）扣分",
    "checklist": "佐证清单",
    "reviewer": "评审打分",
}
#: the source markers of the shipped systems' notes (see their ``confidence``)
CONFIDENCE = {"V": "已核对原文", "S": "依据地方或二手资料", "R": "未经核实，使用前请对照原文"}


@register.filter
def num(value: Any) -> str:
    """5, 0.5, 12.5: no trailing zeros; empty for nothing."""
    if value is None or value == "":
        return ""
    try:
        return scoring.num(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def rule_text(ind: Any) -> str:
    """The indicator's rule with its parameters, e.g. “按件（次）扣分：应达6次，每少1次扣0.3分”."""
    if not ind.rule:
        return ""
    p, label = ind.params or {}, SHORT_RULES.get(ind.rule, str(ind.get_rule_display()))
    if ind.rule == "per_count" and ind.kind == "bonus":
        label = "按件（次）加分"
    if ind.rule == "reviewer" and ind.kind == "veto":
        label = "评审认定"
    unit = str(p.get("figure_unit", ""))
    name = str(p.get("figure_name", ""))
    verb = "加" if ind.kind == "bonus" else "扣"
    if ind.rule == "threshold" and "op" in p:
        word = scoring.OP_WORDS.get(str(p["op"]), str(p["op"]))
        text = f"{name}{word}{num(p.get('target'))}{unit}"
        if ind.kind == "bonus":
            return f"{label}：{text}的加{num(ind.points)}分"
        if ind.kind == "veto":
            return f"{label}：{text}，否则一票否决"
        if "deduct" in p:
            return f"{label}：{text}，否则扣{num(p['deduct'])}分"
        return f"{label}：{text}，否则扣完本项分值"
    if ind.rule == "linear" and "full" in p:
        full, zero = Decimal(str(p["full"])), Decimal(str(p.get("zero", 0)))
        side = "及以下" if full > zero else "及以上"
        return f"{label}：{name}{num(full)}{unit}得满分，{num(zero)}{unit}{side}不得分，其间按比例"
    if ind.rule == "per_count" and "each" in p:
        each = num(p["each"])
        if "target" in p:
            return f"{label}：应达{num(p['target'])}{unit}，每少1{unit}{verb}{each}分"
        return f"{label}：每{unit or '件'}{verb}{each}分"
    if ind.rule == "checklist" and p.get("items"):
        items = "；".join(f"{it.get('text', '')}（{num(it.get('deduct'))}分）" for it in p["items"])
        return f"{label}：缺一项扣相应分值——{items}"
    return label


@register.filter
def eval_status(evaluation: Any, campaign: Any) -> str:
    """The unit's state; one that never submitted reads 未提交自评 once 自评 is over."""
    if evaluation.status == "pending" and campaign.status not in ("draft", "self"):
        return "未提交自评"
    return str(evaluation.get_status_display())


@register.filter
def confidence_text(text: str) -> str:
    """“[V] 一级指标一；[S] 第27项” → “一级指标一（已核对原文）；第27项（依据地方或二手资料）”."""
    parts = []
    for part in re.split(r"[；;]", text or ""):
        found = re.match(r"\s*\[([VSR])\]\s*(.*)", part)
        if found:
            what, note = found.group(2).strip(), CONFIDENCE[found.group(1)]
            parts.append(f"{what}（{note}）" if what else note)
        elif part.strip():
            parts.append(part.strip())
    return "；".join(parts)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
