"""The scoring of one case file against a standard: a pure function, no database.

A standard has parts; each part has a cap (its points, 0 for a veto-only part such as
基本标准) and items. An item's deduction follows its rule:

* ``fixed``        — 扣N分: −N once when marked;
* ``per_instance`` — 每处扣N分: −N × the number of instances;
* ``range``        — 扣a-b分: the reviewer picks the amount within a..b;
* ``veto``         — 否决: the file is 不合格 with total 0.

Deductions are capped at the item's points (分值) and at the part's points (扣完为止，不计负分).
The total is the sum of the part scores; the grade follows the standard's thresholds
(``excellent_min`` and ``pass_min``). A veto makes the total 0 and the grade 不合格 whatever
else was marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")

FIXED = "fixed"
PER_INSTANCE = "per_instance"
RANGE = "range"
VETO = "veto"
RULE_KINDS = (FIXED, PER_INSTANCE, RANGE, VETO)

EXCELLENT = "excellent"
PASS = "pass"
FAIL = "fail"
GRADE_LABELS = {EXCELLENT: "优秀", PASS: "合格", FAIL: "不合格"}


class ScoringError(ValueError):
    """A mark outside the item's rule (the message names the item, in Chinese)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class ItemSpec:
    key: str  # stable id within the standard (the database id as text)
    name: str
    points: Decimal  # the item's cap (分值); 0 for a veto item
    kind: str  # one of RULE_KINDS
    amount: Decimal = ZERO  # fixed / per instance: N
    low: Decimal = ZERO  # range: a
    high: Decimal = ZERO  # range: b


@dataclass(frozen=True)
class PartSpec:
    name: str
    points: Decimal  # the part's cap; 0 for a veto-only part
    items: Sequence[ItemSpec]


@dataclass(frozen=True)
class StandardSpec:
    parts: Sequence[PartSpec]
    excellent_min: Decimal = Decimal("90")
    pass_min: Decimal = Decimal("60")

    @property
    def full_marks(self) -> Decimal:
        return sum((p.points for p in self.parts), ZERO)


@dataclass(frozen=True)
class Mark:
    """What the reviewer found on one item: ``instances`` for per-instance items (a fixed item
    counts as marked when ``instances`` ≥ 1), ``amount`` for range items, ``veto`` for veto
    items."""

    instances: int = 0
    amount: Decimal = ZERO
    veto: bool = False


@dataclass(frozen=True)
class ItemResult:
    key: str
    name: str
    raw: Decimal  # the deduction the rule gives
    deducted: Decimal  # after the item's cap
    veto: bool


@dataclass(frozen=True)
class PartResult:
    name: str
    points: Decimal
    deducted: Decimal  # after the part's cap
    score: Decimal
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class Result:
    total: Decimal
    grade: str
    veto: bool
    vetoed_by: tuple[str, ...]
    parts: tuple[PartResult, ...] = field(default_factory=tuple)

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS[self.grade]

    def item(self, key: str) -> ItemResult:
        for part in self.parts:
            for it in part.items:
                if it.key == key:
                    return it
        raise KeyError(key)


def num(value: Decimal) -> str:
    """A score as written: 5, 0.5, 12.5 (no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text


def grade_of(total: Decimal, spec: StandardSpec) -> str:
    if total >= spec.excellent_min:
        return EXCELLENT
    if total >= spec.pass_min:
        return PASS
    return FAIL


def item_deduction(item: ItemSpec, mark: Mark) -> Decimal:
    """The raw deduction of ``mark`` on ``item`` (before any cap); ScoringError if the mark
    does not fit the rule."""
    if mark.instances < 0 or mark.amount < 0:
        raise ScoringError(item.key, f"“{item.name}”：扣分和处数不能为负数")
    if item.kind == VETO:
        if mark.instances or mark.amount:
            raise ScoringError(item.key, f"“{item.name}”是否决项，只能认定是否否决，不能扣分")
        return ZERO
    if mark.veto:
        raise ScoringError(item.key, f"“{item.name}”不是否决项")
    if item.kind == FIXED:
        if mark.amount:
            raise ScoringError(item.key, f"“{item.name}”按规则扣{num(item.amount)}分，不能另填扣分")
        return item.amount if mark.instances else ZERO
    if item.kind == PER_INSTANCE:
        if mark.amount:
            raise ScoringError(item.key, f"“{item.name}”按处数扣分，请填写处数")
        return item.amount * mark.instances
    if item.kind == RANGE:
        if mark.instances:
            raise ScoringError(item.key, f"“{item.name}”在规定幅度内扣分，请填写扣分")
        if mark.amount and not (item.low <= mark.amount <= item.high):
            raise ScoringError(
                item.key, f"“{item.name}”的扣分应在 {num(item.low)}～{num(item.high)} 分之间"
            )
        return mark.amount
    raise ScoringError(item.key, f"“{item.name}”的扣分规则“{item.kind}”无效")


def score(standard: StandardSpec, marks: Mapping[str, Mark]) -> Result:
    """Score one file: ``marks`` by item key (items not marked deduct nothing)."""
    known = {it.key for p in standard.parts for it in p.items}
    unknown = sorted(set(marks) - known)
    if unknown:
        raise ScoringError(unknown[0], f"评查项目“{unknown[0]}”不在该评查标准中")
    parts: list[PartResult] = []
    vetoed: list[str] = []
    for part in standard.parts:
        items: list[ItemResult] = []
        for it in part.items:
            mark = marks.get(it.key, Mark())
            raw = item_deduction(it, mark)
            veto = it.kind == VETO and mark.veto
            if veto:
                vetoed.append(it.name)
            items.append(ItemResult(it.key, it.name, raw, min(raw, it.points), veto))
        deducted = min(sum((i.deducted for i in items), ZERO), part.points)
        parts.append(
            PartResult(part.name, part.points, deducted, part.points - deducted, tuple(items))
        )
    if vetoed:
        return Result(ZERO, FAIL, True, tuple(vetoed), tuple(parts))
    total = sum((p.score for p in parts), ZERO)
    return Result(total, grade_of(total, standard), False, (), tuple(parts))
