"""Scoring one unit against an indicator system: a pure function, no database.

An indicator system is a tree. Every indicator has a kind:

* ``score`` (计分): it has points (分值; 0 for a deduction item that only takes points from its
  branch) and a rule giving a **deduction**;
* ``bonus`` (加分): its rule gives an **award** up to its points; all awards together are capped
  by the system's ``bonus_cap``;
* ``veto`` (一票否决): its rule states a requirement; failing it fails the whole result.

Rules (``rule`` and its ``params``):

* ``threshold`` — a figure must meet a requirement (``op`` ``>=``/``>``/``<=``/``<``/``==``
  ``target``); failing it deducts ``deduct`` (default: the cap), e.g. 备案率 <100% 扣15分.
  For a bonus, meeting it awards the points; for a veto, failing it vetoes.
* ``linear`` — full points at ``full``, none at ``zero``, linear between (either direction:
  负责人出庭率 full 100 zero 60; 败诉率 full 0 zero 20).
* ``per_count`` — ``each`` per occurrence (每发生一件扣N分; the figure is the count), or, with
  ``target``, per occurrence short of the target (学法 ≥6 次，每少一次扣0.3分).
* ``checklist`` — ``items`` ([{"text", "deduct"}]): each item not evidenced deducts its amount.
* ``reviewer`` — a reviewer sets the deduction (award, for a bonus) within the cap, with a note;
  until then a deduction is pending, while a bonus or a veto is found by exception (none
  until a reviewer says so).

Caps (扣完为止): a deduction never exceeds the indicator's ``cap`` (default: its points when it
has any), and the deductions of a branch's children together never exceed the branch's cap (a
bonus branch caps its children's awards the same way).
A reviewer may **override** the rule's deduction of a leaf (the reason is kept by the caller).
A figure that is missing (no register holds it and the unit typed nothing) deducts the whole cap
when the answer says so (``missing``); a figure with nothing to count (no case: "—") deducts
nothing. A unit's figure for a veto that is missing waits for a reviewer's finding.

The total is the sum of the top-level scores (a top-level item without full marks, such as a
扣分项 section of 0-point items, takes its deduction from the total) plus the capped awards;
the grade (档次) follows the system's thresholds; a veto makes the grade the lowest whatever
the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal("0")
CENT = Decimal("0.01")

SCORE, BONUS, VETO = "score", "bonus", "veto"
KINDS = (SCORE, BONUS, VETO)
THRESHOLD, LINEAR, PER_COUNT, CHECKLIST, REVIEWER = (
    "threshold",
    "linear",
    "per_count",
    "checklist",
    "reviewer",
)
RULES = (THRESHOLD, LINEAR, PER_COUNT, CHECKLIST, REVIEWER)
#: Rules that read a figure (from a register's metric, or typed by the unit).
FIGURE_RULES = (THRESHOLD, LINEAR, PER_COUNT)
OPS = (">=", ">", "<=", "<", "==")
OP_WORDS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "等于"}
FAILED_GRADE = "不合格"


class ScoringError(ValueError):
    """An indicator or answer that does not fit its rule (the message names it, in Chinese)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def num(value: Decimal | int | None) -> str:
    """A score or figure as written: 5, 0.5, 12.5 (no trailing zeros)."""
    if value is None:
        return "—"
    text = format(Decimal(value).normalize(), "f")
    return text


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _dec(value: Any, key: str, name: str, what: str) -> Decimal:
    if value is None or value == "":
        raise ScoringError(key, f"指标“{name}”须填写{what}")
    try:
        return Decimal(str(value))
    except Exception as exc:
        raise ScoringError(key, f"指标“{name}”的{what}“{value}”不是数字") from exc


@dataclass(frozen=True)
class IndicatorSpec:
    key: str  # stable id within the system (the database id as text)
    code: str  # 1, 1.2, 1.2.3
    name: str
    points: Decimal = ZERO
    kind: str = SCORE
    rule: str = ""  # "" for a branch whose score comes from its children
    params: Mapping[str, Any] = field(default_factory=dict)
    cap: Decimal | None = None
    figure_name: str = ""  # the figure's name in explanations (a metric's name)
    figure_unit: str = ""  # %, 件, 次
    children: tuple[IndicatorSpec, ...] = ()

    @property
    def limit(self) -> Decimal | None:
        """The most this indicator may deduct (or award): its cap, else its points, else none."""
        if self.cap is not None:
            return self.cap
        return self.points if self.points > 0 else None

    @property
    def full(self) -> Decimal:
        """Full marks: the points, or (a branch without points) its children's full marks."""
        if self.points > 0 or not self.children:
            return self.points
        return sum((c.full for c in self.children if c.kind == SCORE), ZERO)

    def walk(self) -> list[IndicatorSpec]:
        return [self, *(d for c in self.children for d in c.walk())]


@dataclass(frozen=True)
class SystemSpec:
    roots: tuple[IndicatorSpec, ...]
    #: (档次, 最低分), highest first; a total under the last is the failed grade
    grades: tuple[tuple[str, Decimal], ...] = (
        ("优秀", Decimal("90")),
        ("良好", Decimal("80")),
        ("合格", Decimal("60")),
    )
    bonus_cap: Decimal | None = None

    @property
    def full_marks(self) -> Decimal:
        return sum((r.full for r in self.roots if r.kind == SCORE), ZERO)

    def indicators(self) -> list[IndicatorSpec]:
        return [i for r in self.roots for i in r.walk()]


@dataclass(frozen=True)
class Answer:
    """What is known of one indicator for one unit.

    ``value``: the figure (a register's, or typed); ``display``: how it is shown (18.3%);
    ``missing``: a figure was due and nobody gave it; ``checks``: the checklist items evidenced;
    ``reviewer``: a reviewer's deduction (award) for a ``reviewer`` rule, or True/False veto
    finding for a reviewer-judged veto; ``override``: a reviewer's replacement of a computed
    deduction (award)."""

    value: Decimal | None = None
    display: str = ""
    missing: bool = False
    checks: tuple[bool, ...] = ()
    reviewer: Decimal | None = None
    veto: bool | None = None
    override: Decimal | None = None


@dataclass(frozen=True)
class Line:
    """The result of one indicator: ``raw`` is what its rule gives, ``applied`` what counts
    after the caps; ``score`` is points − deduction for a scored indicator with points."""

    key: str
    code: str
    name: str
    kind: str
    points: Decimal
    raw: Decimal
    applied: Decimal
    score: Decimal | None
    reason: str
    vetoed: bool = False
    pending: bool = False  # waits for a reviewer
    overridden: bool = False
    children: tuple[Line, ...] = ()

    @property
    def lost(self) -> Decimal:
        return self.applied if self.kind == SCORE else ZERO

    def walk(self) -> list[Line]:
        return [self, *(d for c in self.children for d in c.walk())]


@dataclass(frozen=True)
class Outcome:
    total: Decimal
    base: Decimal  # sum of the top-level scores
    bonus: Decimal  # awards after the bonus cap
    full_marks: Decimal
    grade: str
    vetoed: bool
    veto_reasons: tuple[str, ...]
    lines: tuple[Line, ...]

    def line(self, key: str) -> Line:
        for root in self.lines:
            for line in root.walk():
                if line.key == key:
                    return line
        raise KeyError(key)

    def flat(self) -> list[Line]:
        return [line for root in self.lines for line in root.walk()]

    @property
    def pending(self) -> int:
        return sum(1 for line in self.flat() if line.pending)


def _meets(value: Decimal, op: str, target: Decimal) -> bool:
    return {
        ">=": value >= target,
        ">": value > target,
        "<=": value <= target,
        "<": value < target,
        "==": value == target,
    }[op]


def _figure(ind: IndicatorSpec, answer: Answer) -> str:
    shown = answer.display or f"{num(answer.value)}{ind.figure_unit}"
    return f"{ind.figure_name or '数值'} {shown}"


def check_spec(ind: IndicatorSpec) -> None:
    """A ScoringError unless the indicator's kind, rule and params fit together."""
    name, key, p = ind.name, ind.key, ind.params
    if ind.kind not in KINDS:
        raise ScoringError(key, f"指标“{name}”的类型“{ind.kind}”无效")
    if ind.points < 0 or (ind.cap is not None and ind.cap < 0):
        raise ScoringError(key, f"指标“{name}”的分值和扣分上限不能为负数")
    if not ind.rule:
        if not ind.children:
            raise ScoringError(key, f"指标“{name}”没有下级指标，须有计分规则")
        return
    if ind.rule not in RULES:
        raise ScoringError(key, f"指标“{name}”的计分规则“{ind.rule}”无效")
    if ind.kind == BONUS and ind.points <= 0:
        raise ScoringError(key, f"加分项“{name}”须有分值（加分上限）")
    if ind.rule == THRESHOLD:
        if p.get("op") not in OPS:
            raise ScoringError(key, f"指标“{name}”的比较方式须为 {'、'.join(OPS)} 之一")
        _dec(p.get("target"), key, name, "目标值")
        if "deduct" in p:
            _dec(p["deduct"], key, name, "扣分")
    elif ind.rule == LINEAR:
        if _dec(p.get("full"), key, name, "满分值") == _dec(p.get("zero"), key, name, "零分值"):
            raise ScoringError(key, f"指标“{name}”的满分值与零分值不能相同")
    elif ind.rule == PER_COUNT:
        _dec(p.get("each"), key, name, "每件扣分")
        if "target" in p:
            _dec(p["target"], key, name, "目标值")
    elif ind.rule == CHECKLIST:
        items = p.get("items")
        if not items:
            raise ScoringError(key, f"指标“{name}”的佐证清单为空")
        for item in items:
            _dec(item.get("deduct", 0), key, name, "清单扣分")
    if ind.kind == BONUS and (ind.rule == CHECKLIST or (ind.rule == PER_COUNT and "target" in p)):
        # both count what is missing: as an award they would reward the shortfall
        raise ScoringError(
            key, f"加分项“{name}”不能按佐证清单或“每少一次”计分，请用评审打分或按件（次）加分"
        )
    if ind.kind == VETO and ind.rule not in (THRESHOLD, REVIEWER):
        raise ScoringError(key, f"否决项“{name}”只能按数值条件或由评审认定")
    if ind.kind == SCORE and ind.limit is None and ind.rule in (LINEAR, REVIEWER):
        raise ScoringError(key, f"指标“{name}”须有分值或扣分上限")
    if ind.kind == SCORE and ind.limit is None and ind.rule == THRESHOLD and "deduct" not in p:
        raise ScoringError(key, f"指标“{name}”须填写扣分、分值或扣分上限")


def _leaf(ind: IndicatorSpec, answer: Answer) -> tuple[Decimal, str, bool, bool]:
    """(amount, reason, vetoed, pending) of a leaf's rule: a deduction, an award or a veto."""
    p, limit = ind.params, ind.limit
    top = limit if limit is not None else Decimal("Infinity")
    if ind.rule in FIGURE_RULES and answer.value is None:
        if answer.missing:
            if ind.kind == VETO:
                if answer.veto is not None:  # the reviewer found it either way
                    said = "一票否决" if answer.veto else "不否决"
                    return ZERO, f"未填报；评审认定：{said}", answer.veto, False
                return ZERO, "未填报，待评审认定", False, True
            amount = ZERO if ind.kind == BONUS else (limit or ZERO)
            return (
                amount,
                "应填报而未填报" + (f"，扣{num(amount)}分" if amount else ""),
                False,
                False,
            )
        return ZERO, f"{ind.figure_name or '数值'} 无可计算的数据（—），不扣分", False, False
    if ind.rule == THRESHOLD:
        assert answer.value is not None
        op, target = p["op"], Decimal(str(p["target"]))
        ok = _meets(answer.value, op, target)
        need = f"要求{OP_WORDS[op]}{num(target)}{ind.figure_unit}"
        if ind.kind == VETO:
            return (
                ZERO,
                f"{_figure(ind, answer)}，{need}" + ("" if ok else "：一票否决"),
                not ok,
                False,
            )
        if ind.kind == BONUS:
            return (
                (ind.points if ok else ZERO),
                f"{_figure(ind, answer)}，{need}"
                + (f"：加{num(ind.points)}分" if ok else "：未达到，不加分"),
                False,
                False,
            )
        if ok:
            return ZERO, f"{_figure(ind, answer)}，{need}：达到", False, False
        amount = Decimal(str(p["deduct"])) if "deduct" in p else (limit or ZERO)
        return amount, f"{_figure(ind, answer)}，{need}：未达到，扣{num(amount)}分", False, False
    if ind.rule == LINEAR:
        assert answer.value is not None and limit is not None
        full, zero = Decimal(str(p["full"])), Decimal(str(p["zero"]))
        share = min(max((full - answer.value) / (full - zero), ZERO), Decimal(1))
        if ind.kind == BONUS:
            award = cents(ind.points * (1 - share))
            return award, f"{_figure(ind, answer)}：按比例加{num(award)}分", False, False
        amount = cents(limit * share)
        span = (
            f"{num(zero)}{ind.figure_unit}及以下不得分"
            if full > zero
            else (f"{num(zero)}{ind.figure_unit}及以上不得分")
        )
        how = f"{num(full)}{ind.figure_unit}得满分、{span}"
        said = f"{_figure(ind, answer)}（{how}）"
        return amount, said + (f"：扣{num(amount)}分" if amount else "：得满分"), False, False
    if ind.rule == PER_COUNT:
        assert answer.value is not None
        each = Decimal(str(p["each"]))
        if "target" in p:
            target = Decimal(str(p["target"]))
            count = max(target - answer.value, ZERO)
            said = f"{_figure(ind, answer)}，要求{num(target)}{ind.figure_unit}，差{num(count)}"
        else:
            count = answer.value
            said = _figure(ind, answer)
        amount = each * count
        if ind.kind == BONUS:
            return amount, f"{said}，每{ind.figure_unit or '件'}加{num(each)}分", False, False
        if not amount:
            return ZERO, f"{said}：不扣分", False, False
        capped = f"（上限{num(top)}分）" if amount > top else ""
        return amount, f"{said}，每{ind.figure_unit or '件'}扣{num(each)}分{capped}", False, False
    if ind.rule == CHECKLIST:
        items = p["items"]
        missing = [
            it for n, it in enumerate(items) if not (n < len(answer.checks) and answer.checks[n])
        ]
        amount = sum((Decimal(str(it.get("deduct", 0))) for it in missing), ZERO)
        if not missing:
            return ZERO, f"佐证齐全（{len(items)}项）", False, False
        names = "；".join(str(it.get("text", "")) for it in missing)
        return amount, f"缺少佐证：{names}，扣{num(amount)}分", False, False
    # reviewer: a veto or a bonus is found by exception (nothing said: none); a deduction waits
    if ind.kind == VETO:
        if not answer.veto:
            said = "未发现否决情形" if answer.veto is None else "评审认定：不否决"
            return ZERO, said, False, False
        return ZERO, "评审认定：一票否决", True, False
    if answer.reviewer is None:
        if ind.kind == BONUS:
            return ZERO, "未认定加分", False, False
        return ZERO, "待评审", False, True
    if answer.reviewer < 0 or answer.reviewer > top:
        word = "加分" if ind.kind == BONUS else "扣分"
        raise ScoringError(ind.key, f"“{ind.name}”的{word}应在 0～{num(top)} 分之间")
    word = "加" if ind.kind == BONUS else "扣"
    return answer.reviewer, f"评审{word}{num(answer.reviewer)}分", False, False


def _line(ind: IndicatorSpec, answers: Mapping[str, Answer]) -> Line:
    check_spec(ind)
    limit = ind.limit
    if ind.children:
        kids = tuple(_line(c, answers) for c in ind.children)
        # a branch sums its children's deductions (a bonus branch: their awards) within its cap
        counted = BONUS if ind.kind == BONUS else SCORE
        raw = sum((k.applied for k in kids if k.kind == counted), ZERO)
        if ind.rule:  # a branch with its own rule adds its own deduction
            own, _, _, _ = _leaf(ind, answers.get(ind.key, Answer()))
            raw += own
        applied = min(raw, limit) if limit is not None else raw
        if ind.kind == BONUS:
            capped = (
                f"（下级加分合计{num(raw)}分，以{num(applied)}分为限）" if applied < raw else ""
            )
            reason = f"加{num(applied)}分{capped}" if applied else "未加分"
        else:
            capped = f"（下级扣分合计{num(raw)}分，扣完为止）" if applied < raw else ""
            reason = f"扣{num(applied)}分{capped}" if applied else "未扣分"
        full = ind.full
        score = full - applied if full > 0 and ind.kind == SCORE else None
        return Line(
            ind.key,
            ind.code,
            ind.name,
            ind.kind,
            ind.points,
            raw,
            applied,
            score,
            reason,
            children=kids,
            pending=False,
        )
    answer = answers.get(ind.key, Answer())
    raw, reason, vetoed, pending = _leaf(ind, answer)
    overridden = answer.override is not None and ind.kind != VETO
    if overridden:
        assert answer.override is not None
        top = limit if limit is not None else None
        if answer.override < 0 or (top is not None and answer.override > top):
            raise ScoringError(ind.key, f"“{ind.name}”的复核分应在 0～{num(top)} 分之间")
        word = "加" if ind.kind == BONUS else "扣"
        reason = f"{reason}；评审复核改为{word}{num(answer.override)}分"
        raw, pending = answer.override, False
    applied = min(raw, limit) if limit is not None else raw
    if applied < raw and not overridden:
        reason += f"，以{num(applied)}分为限"
    score = ind.points - applied if ind.kind == SCORE and ind.points > 0 else None
    return Line(
        ind.key,
        ind.code,
        ind.name,
        ind.kind,
        ind.points,
        raw,
        applied,
        score,
        reason,
        vetoed=vetoed,
        pending=pending,
        overridden=overridden,
    )


def _awards(lines: Sequence[Line]) -> Decimal:
    """The awards of the outermost bonus lines (a bonus branch has capped its children's)."""
    return sum(
        (line.applied if line.kind == BONUS else _awards(line.children) for line in lines), ZERO
    )


def grade_of(total: Decimal, system: SystemSpec, vetoed: bool = False) -> str:
    if not vetoed:
        for label, least in system.grades:
            if total >= least:
                return label
    return FAILED_GRADE


def score(system: SystemSpec, answers: Mapping[str, Answer]) -> Outcome:
    """Score one unit: ``answers`` by indicator key (indicators without one: nothing known)."""
    lines = tuple(_line(r, answers) for r in system.roots)
    flat = [line for root in lines for line in root.walk()]
    # a top-level item without full marks (扣分项) takes its deduction from the total
    base = sum(
        (
            line.score if line.score is not None else -line.applied
            for line in lines
            if line.kind == SCORE
        ),
        ZERO,
    )
    awards = _awards(lines)
    bonus = min(awards, system.bonus_cap) if system.bonus_cap is not None else awards
    vetoes = tuple(line.name for line in flat if line.vetoed)
    total = cents(base + bonus)
    return Outcome(
        total=total,
        base=cents(base),
        bonus=cents(bonus),
        full_marks=system.full_marks,
        grade=grade_of(total, system, bool(vetoes)),
        vetoed=bool(vetoes),
        veto_reasons=vetoes,
        lines=lines,
    )


def rank(totals: Sequence[tuple[Any, Decimal, bool]]) -> dict[Any, int]:
    """Ranks within a peer group: ``(key, total, vetoed)``; higher total first, a vetoed result
    after every other; equal results share a rank (1, 1, 3)."""
    ordered = sorted(totals, key=lambda t: (t[2], -t[1]))
    ranks: dict[Any, int] = {}
    previous: tuple[bool, Decimal] | None = None
    for position, (key, total, vetoed) in enumerate(ordered, start=1):
        if previous != (vetoed, total):
            current = position
            previous = (vetoed, total)
        ranks[key] = current
    return ranks
