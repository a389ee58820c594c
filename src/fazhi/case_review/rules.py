"""The grammar of the 扣分规则 column (docs/EXCEL.md “案卷评查标准”).

=====================  ==================  =========================================
text                   rule                meaning
=====================  ==================  =========================================
``扣N分``              fixed               −N once when the defect is found
``每处扣N分``          per instance        −N × 处数 (also 每项/每个/每次/每件/每份)
``扣a-b分``            range               the reviewer picks within a..b
                                           (separators ``-`` ``－`` ``~`` ``～`` ``至`` ``到``)
``否决``               veto                the file is 不合格 with total 0
=====================  ==================  =========================================

N, a and b are numbers with at most one decimal place (0.5). Whitespace is ignored; a final
``分`` and a leading ``−``/``-`` sign before N are optional (``扣-2分`` is read as ``扣2分``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fazhi.case_review.scoring import FIXED, PER_INSTANCE, RANGE, VETO, ZERO

NUM = r"(\d+(?:\.\d)?)"
_PER = re.compile(rf"^每(?:处|项|个|次|件|份)扣[-−]?{NUM}分?$")
_RANGE = re.compile(rf"^扣[-−]?{NUM}(?:-|－|~|～|至|到)[-−]?{NUM}分?$")
_FIXED = re.compile(rf"^扣[-−]?{NUM}分?$")
GRAMMAR = "“扣2分”“每处扣1分”“扣5-15分”或“否决”"


@dataclass(frozen=True)
class Rule:
    kind: str
    amount: Decimal = ZERO
    low: Decimal = ZERO
    high: Decimal = ZERO

    def text(self) -> str:
        if self.kind == VETO:
            return "否决"
        if self.kind == FIXED:
            return f"扣{_n(self.amount)}分"
        if self.kind == PER_INSTANCE:
            return f"每处扣{_n(self.amount)}分"
        return f"扣{_n(self.low)}-{_n(self.high)}分"


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def parse_rule(text: str) -> Rule:
    """The rule written in ``text``; ValueError (in Chinese) when it does not follow the
    grammar."""
    t = re.sub(r"\s+", "", text or "")
    if t in ("否决", "否决项", "一票否决"):
        return Rule(VETO)
    m = _PER.match(t)
    if m:
        return _positive(Rule(PER_INSTANCE, amount=Decimal(m.group(1))))
    m = _RANGE.match(t)
    if m:
        low, high = Decimal(m.group(1)), Decimal(m.group(2))
        if low > high:
            raise ValueError(f"扣分幅度“{text}”的下限大于上限")
        return _positive(Rule(RANGE, low=low, high=high))
    m = _FIXED.match(t)
    if m:
        return _positive(Rule(FIXED, amount=Decimal(m.group(1))))
    raise ValueError(f"扣分规则“{text}”无法识别，应写作{GRAMMAR}")


def _positive(rule: Rule) -> Rule:
    if max(rule.amount, rule.high) <= 0:
        raise ValueError("扣分必须大于0")
    return rule
