"""Numbers and scoring rules of the 考核 pages written as a county clerk reads them: 1.2 (not
1.20 or 1.2000), 不低于 100% (not >= 100.0)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from fazhi.assessments import scoring

register = template.Library()


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
    p, label = ind.params or {}, str(ind.get_rule_display())
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
