"""Check the text of any annual report (法治政府建设年度报告).

:func:`check_text` finds, in plain text:

- the five parts the 《法治政府建设与责任落实督察工作规定》 requires (主要举措和成效,
  存在的不足和原因, 第一责任人职责情况, 下一年度主要安排, 其他需要报告的情况), whatever their
  order and wording;
- the year the report covers;
- every figure with a unit (``156件``, ``98.5%``, ``1.2万元``, ``3000余人``), also in Chinese
  numerals (``两轮``, ``一百二十件``, ``百分之九十五``; converted by ``cn2an``), and the numbers of
  a list that share the unit written after the last one (``纪要12、议题140项``), each with its
  clause, line and part, and, where the wording says what it counts, the platform metric it
  reports (``reconsideration.received`` …). A number inside a rule (``每5起``, ``要求……不少于2次``)
  is not a figure;
- findings: a missing part and a rate that does not agree with the counts stated with it in
  the same paragraph (纠错率 and 纠错数, 结案数) are problems; parts in an unusual order are a note.

Pure Python, no Django. The keyword rules are data, ``fixtures/figure_patterns.json``.
The regular expressions run in linear time: literal alternations, and the one nested
quantifier (``_ORDINAL_LIST``) only sees the 24 characters before a number.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

PATTERNS_FILE = Path(__file__).parent / "fixtures" / "figure_patterns.json"
PART_NUMBERS = (1, 2, 3, 4, 5)
NUMERALS = "一二三四五六七八九十"

#: Full-width digits and signs → ASCII, one character for one (offsets stay valid).
_FULL_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
#: Clause and sentence ends. ASCII ``,;:`` count too: many published texts use them.
_CLAUSE_ENDS = frozenset("，。；：,;:！？!?")
_SENTENCE_ENDS = frozenset("。！？!?")
#: Words before a number that make it approximate, and words after it.
_APPROX_BEFORE = (
    "超过",
    "将近",
    "接近",
    "多达",
    "至少",
    "不少于",
    "不低于",
    "约",
    "近",
    "超",
    "逾",
)
_APPROX_AFTER = ("以上", "左右", "多")
#: A heading's text is cut at the first of these; longer headings are body text.
_HEADING_CUT = re.compile(r"[。：:；;！？!?]")
_MAX_HEADING = 60
_MAX_BARE_HEADING = 20
#: A figure's phrase is its clause, cut to this many characters around it when longer.
_MAX_PHRASE = 120
_LEVEL_1 = re.compile(
    r"^(?:第(?P<part>[一二三四五六七八九十]{1,3})部分\s*[、.．:：]?"
    r"|(?P<n>[一二三四五六七八九十]{1,3})\s*[、.．])\s*"
)
_LEVEL_2 = re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]\s*")
_LEADING_YEAR = re.compile(r"^[\s\d年度]*")
_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
#: A year that is not the start of a date (2024年1月25日 is when the report was signed).
_TITLE_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")
#: 第1、2条 / 第3至5项: the later numbers of an ordinal list.
_ORDINAL_LIST = re.compile(r"第\s*\d+(?:\s*[,、，和及至~～\-]\s*\d+)*\s*[,、，和及至~～\-]\s*$")
#: Chinese numerals: digits and magnitudes; a decimal part after 点.
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUMBER = rf"[{_CN_DIGITS}十百千万亿]+(?:点[{_CN_DIGITS}]+)?"
#: A Chinese numeral of one of these characters alone is not read (一个, 零件, 万家, 百家).
_CN_ALONE = frozenset("一零〇百千万亿")
#: Quotes and titles: numerals inside them are names (“两代表一委员”, “七进”).
_QUOTED = re.compile(r'“[^“”]*”|"[^"]*"|《[^《》]*》|「[^「」]*」|『[^『』]*』')
#: Words before a Chinese numeral that make it a name or an ordinal (第五次, 周一, 星期三).
_CN_NOT_AFTER = ("第", "周", "星期", "初")
#: A unit-less number of a list takes the unit of the list's last number when at most this
#: many characters stand between them (纪要12、常务会议纪要15、议题140项).
_MAX_LIST_GAP = 16


# --- results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartResult:
    """One of the five mandated parts: where its heading is, if anywhere.

    ``level`` is 1 for a part heading (``一、…``) and 2 when the content only appears as a
    sub-heading (``（一）…第一责任人职责``) inside another part.
    """

    number: int
    name: str
    found: bool
    heading: str | None
    line: int | None
    level: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "found": self.found,
            "heading": self.heading,
            "line": self.line,
            "level": self.level,
        }


@dataclass(frozen=True)
class Figure:
    """A number with a unit as written in the report.

    ``value`` is the number as written with ASCII digits (``98.5``, ``1,200``); ``number`` is
    its value (without the unit's magnitude: ``1.2万元`` is ``1.2`` and unit ``万元``);
    ``approx`` is set for ``3000余人``, ``约70%``, ``30%以上``. ``phrase`` is the clause that holds
    it, ``line`` is 1-based, ``part`` the mandated part (1–5) it is in, if known.
    """

    value: str
    number: Decimal
    unit: str
    approx: bool
    phrase: str
    line: int
    part: int | None
    metric_code: str | None
    #: The figure as written (``一百二十件``, ``１２件``; ``12`` in ``纪要12、议题140项``).
    written: str = ""

    @property
    def display(self) -> str:
        return f"{self.value}{self.unit}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "written": self.written,
            "number": str(self.number),
            "unit": self.unit,
            "approx": self.approx,
            "phrase": self.phrase,
            "line": self.line,
            "part": self.part,
            "metric_code": self.metric_code,
        }


PROBLEM, NOTE = "problem", "note"


@dataclass(frozen=True)
class Finding:
    """Something the reader should look at: a ``problem`` (a missing part, a rate that does not
    agree with its counts) or a ``note`` (information only: the parts in an unusual order)."""

    kind: str  # missing_part | rate_mismatch | part_order
    level: str  # PROBLEM | NOTE
    message: str  # Chinese, for the reader
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "level": self.level, "message": self.message, "line": self.line}


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_text` found: ``parts`` has five entries, in the order 1–5."""

    year: int | None
    parts: list[PartResult]
    figures: list[Figure]
    #: Rate checks (problems) found while reading the figures; see :attr:`findings`.
    rate_findings: tuple[Finding, ...] = ()

    @property
    def findings(self) -> list[Finding]:
        """Problems first (missing parts, then rates that disagree with their counts), then
        notes (an unusual part order, which is not a defect)."""
        found = [
            Finding(
                "missing_part",
                PROBLEM,
                f"缺少{_part_label(p.number)}（{p.name}）",
            )
            for p in self.parts
            if not p.found
        ]
        found.extend(self.rate_findings)
        order = self.order
        if len(order) > 1 and order != sorted(order):
            found.append(
                Finding(
                    "part_order",
                    NOTE,
                    "各部分的出现顺序为"
                    + "、".join(NUMERALS[n - 1] for n in order)
                    + "，与通常的顺序不同；规定未要求顺序，仅作提示",
                )
            )
        return found

    @property
    def missing_parts(self) -> list[int]:
        return [p.number for p in self.parts if not p.found]

    @property
    def order(self) -> list[int]:
        """Numbers of the parts found, in the order they appear in the text."""
        found = [p for p in self.parts if p.found and p.line is not None]
        return [p.number for p in sorted(found, key=lambda p: (p.line or 0, p.number))]

    def summary(self) -> dict[str, Any]:
        by_part = Counter("none" if f.part is None else str(f.part) for f in self.figures)
        by_metric = Counter(f.metric_code for f in self.figures if f.metric_code)
        return {
            "parts_found": sum(1 for p in self.parts if p.found),
            "parts_missing": self.missing_parts,
            "order": self.order,
            "figures": len(self.figures),
            "figures_mapped": sum(by_metric.values()),
            "figures_by_part": {k: by_part.get(k, 0) for k in [*map(str, PART_NUMBERS), "none"]},
            "figures_by_metric": dict(sorted(by_metric.items())),
            "problems": sum(1 for f in self.findings if f.level == PROBLEM),
            "notes": sum(1 for f in self.findings if f.level == NOTE),
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{year, parts: [...], figures: [...], findings: [...], summary: {...}}``."""
        return {
            "year": self.year,
            "parts": [p.as_dict() for p in self.parts],
            "figures": [f.as_dict() for f in self.figures],
            "findings": [f.as_dict() for f in self.findings],
            "summary": self.summary(),
        }

    def format_text(self) -> str:
        """A readable summary in Chinese, one figure a line."""
        names = metric_names()
        lines = ["法治政府建设年度报告检查结果"]
        lines.append(f"报告年度：{self.year}年" if self.year else "报告年度：未能识别")
        missing = self.missing_parts
        head = f"法定内容：五项中已有{5 - len(missing)}项"
        if missing:
            head += "，缺少" + "、".join(
                f"{_part_label(p.number)}（{p.name}）" for p in self.parts if not p.found
            )
        lines.append(head)
        for p in self.parts:
            label = f"{NUMERALS[p.number - 1]}、{p.name}"
            if not p.found:
                lines.append(f"  [缺] {label}")
                continue
            where = f"第{p.line}行“{p.heading}”"
            if p.level == 2:
                where += "（仅作为小标题出现，未单列一部分）"
            lines.append(f"  [有] {label}：{where}")
        order = self.order
        if len(order) > 1:
            text = "、".join(NUMERALS[n - 1] for n in order)
            same = order == sorted(order)
            lines.append(
                f"出现顺序：{text}" + ("" if same else "（与通常的顺序不同，仅作提示，不是缺项）")
            )
        mismatches = [f for f in self.rate_findings if f.level == PROBLEM]
        if mismatches:
            lines.append(f"数据核对：{len(mismatches)}处比率与文中件数不符")
            lines.extend(f"  [不符] 第{f.line}行：{f.message}" for f in mismatches)
        mapped = sum(1 for f in self.figures if f.metric_code)
        lines.append(f"数据：共{len(self.figures)}个，其中{mapped}个可对应平台统计指标")
        for f in self.figures:
            where = _part_label(f.part) if f.part else "部分未定"
            item = f"  第{f.line}行｜{where}｜{f.display}" + ("（约数）" if f.approx else "")
            if f.written and not any(c.isdigit() for c in f.written):
                item += f"（原文“{f.written}”）"
            if f.metric_code:
                item += f"｜{f.metric_code}（{names.get(f.metric_code, '')}）"
            lines.append(f"{item}｜{f.phrase}")
        return "\n".join(lines)


def _part_label(number: int) -> str:
    return f"第{NUMERALS[number - 1]}部分"


# --- rules (data) -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _PartRule:
    number: int
    name: str
    any: tuple[str, ...]
    weak: tuple[str, ...]
    exact: tuple[str, ...]


@dataclass(frozen=True)
class _MetricRule:
    code: str
    name: str
    units: frozenset[str]
    topic: str | None
    all: tuple[str, ...]
    any: tuple[str, ...]
    none: tuple[str, ...]
    sentence_all: tuple[str, ...]
    sentence_any: tuple[str, ...]
    sentence_none: tuple[str, ...]

    def matches(self, unit: str, segment: str, sentence: frozenset[str], topic: str | None) -> bool:
        """``sentence``: which of the rules' sentence words the figure's sentence contains."""
        return (
            unit in self.units
            and (self.topic is None or self.topic == topic)
            and _words_match(segment, self.all, self.any, self.none)
            and all(w in sentence for w in self.sentence_all)
            and (not self.sentence_any or any(w in sentence for w in self.sentence_any))
            and not any(w in sentence for w in self.sentence_none)
        )


def _words_match(
    text: str, all_: tuple[str, ...], any_: tuple[str, ...], none: tuple[str, ...]
) -> bool:
    return (
        all(w in text for w in all_)
        and (not any_ or any(w in text for w in any_))
        and not any(w in text for w in none)
    )


RELATIONS = ("equal", "at_least", "at_most")


@dataclass(frozen=True)
class _RateCheck:
    """A rate (``rate``) that should be ``relation`` to the sum of the ``numerator`` counts ÷
    the ``denominator`` count × 100, when the same paragraph states them."""

    rate: str
    numerator: tuple[str, ...]
    denominator: str
    relation: str


@dataclass(frozen=True)
class _Patterns:
    parts: tuple[_PartRule, ...]
    topics: tuple[tuple[str, tuple[str, ...]], ...]
    metrics: tuple[_MetricRule, ...]
    #: The metric rules for each unit, in order.
    metrics_by_unit: dict[str, tuple[_MetricRule, ...]]
    #: Every word of the metric rules' sentence_all/any/none.
    sentence_words: tuple[str, ...]
    #: unit → the words that start with it and are not a unit (市 → 市民, 市场 …).
    not_units: dict[str, tuple[str, ...]]
    figure: re.Pattern[str]
    #: A figure in Chinese numerals (两轮, 一百二十件, 百分之九十五).
    cn_figure: re.Pattern[str]
    #: Words with a Chinese numeral that are not a quantity (十分, 三番五次, 两个维护).
    cn_not_figures: tuple[str, ...]
    #: Words right after a Chinese-numeral count that make it a count of the text's own points
    #: (三个方面, 七个问题), not a figure.
    cn_not_before: tuple[str, ...]
    #: A number right after one of ``thresholds`` in a sentence with one of ``rule_words``
    #: before it is a requirement, not a figure.
    rule_words: tuple[str, ...]
    thresholds: tuple[str, ...]
    rate_checks: tuple[_RateCheck, ...]


def _words(spec: dict[str, Any], key: str) -> tuple[str, ...]:
    value = spec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise ValueError(f"{PATTERNS_FILE.name}：“{key}”应为非空字符串的列表")
    return tuple(value)


@lru_cache(maxsize=1)
def patterns() -> _Patterns:
    """The rules of ``fixtures/figure_patterns.json``, compiled (read once)."""
    data: dict[str, Any] = json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    parts = tuple(
        _PartRule(
            number=int(p["number"]),
            name=str(p["name"]),
            any=_words(p, "any"),
            weak=_words(p, "weak"),
            exact=_words(p, "exact"),
        )
        for p in data["parts"]
    )
    if sorted(p.number for p in parts) != list(PART_NUMBERS):
        raise ValueError(f"{PATTERNS_FILE.name}：parts 应恰好包含第1至5部分")
    topics = tuple((str(name), _words(data["topics"], name)) for name in data["topics"])
    known = {name for name, _ in topics}
    metrics: list[_MetricRule] = []
    for m in data["metrics"]:
        topic = m.get("topic")
        if topic is not None and topic not in known:
            raise ValueError(f"{PATTERNS_FILE.name}：{m['code']} 的主题“{topic}”未定义")
        metrics.append(
            _MetricRule(
                code=str(m["code"]),
                name=str(m.get("name", "")),
                units=frozenset(_words(m, "units")),
                topic=topic,
                all=_words(m, "all"),
                any=_words(m, "any"),
                none=_words(m, "none"),
                sentence_all=_words(m, "sentence_all"),
                sentence_any=_words(m, "sentence_any"),
                sentence_none=_words(m, "sentence_none"),
            )
        )
    units = sorted(_words(data, "units"), key=len, reverse=True)
    not_units = _words(data, "not_units")
    codes = {m.code for m in metrics}
    checks: list[_RateCheck] = []
    for c in data.get("rate_checks", []):
        check = _RateCheck(
            rate=str(c["rate"]),
            numerator=_words(c, "numerator"),
            denominator=str(c["denominator"]),
            relation=str(c["relation"]),
        )
        unknown = {check.rate, check.denominator, *check.numerator} - codes
        if unknown or check.relation not in RELATIONS:
            raise ValueError(
                f"{PATTERNS_FILE.name}：rate_checks 中 {check.rate} 的指标或 relation 无效"
                f"（{'、'.join(sorted(unknown)) or check.relation}）"
            )
        checks.append(check)
    alternation = "|".join(re.escape(u) for u in units)
    figure = re.compile(
        r"(?<![\d.A-Za-z])"
        r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        r"[ \t]?(?P<a1>余|多)?(?P<mag>万|亿)?(?P<a2>余|多)?"
        rf"(?P<unit>{alternation})?"
    )
    cn_figure = re.compile(
        rf"百分之(?P<pct>{_CN_NUMBER})"
        rf"|(?P<cn>{_CN_NUMBER})(?P<a1>余|多)?(?P<unit>{alternation})"
    )
    return _Patterns(
        parts=parts,
        topics=topics,
        metrics=tuple(metrics),
        metrics_by_unit={
            u: tuple(m for m in metrics if u in m.units) for m0 in metrics for u in m0.units
        },
        sentence_words=tuple(
            dict.fromkeys(
                w for m in metrics for w in (*m.sentence_all, *m.sentence_any, *m.sentence_none)
            )
        ),
        not_units={
            u: tuple(w for w in not_units if w.startswith(u) and w != u)
            for u in units
            if any(w.startswith(u) and w != u for w in not_units)
        },
        figure=figure,
        cn_figure=cn_figure,
        cn_not_figures=_words(data, "chinese_not_figures"),
        cn_not_before=_words(data, "chinese_not_before"),
        rule_words=_words(data, "rule_words"),
        thresholds=tuple(sorted(_words(data, "thresholds"), key=len, reverse=True)),
        rate_checks=tuple(checks),
    )


def metric_names() -> dict[str, str]:
    """Metric code → name, for the codes the rules can assign."""
    return {m.code: m.name for m in patterns().metrics}


# --- structure: parts and year ----------------------------------------------------------------
@dataclass(frozen=True)
class _Heading:
    line: int  # 1-based
    level: int  # 1 part-level, 2 （一） sub-heading
    text: str  # the heading as written (cut at its first 。：)
    parts: tuple[int, ...]  # the mandated parts its wording names, if any


def _numeral(text: str) -> int:
    """一 → 1 … 十九 → 19, 二十 → 20 (enough for headings)."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (NUMERALS.index(tens) + 1 if tens else 1) * 10 + (
            NUMERALS.index(ones) + 1 if ones else 0
        )
    return NUMERALS.index(text[0]) + 1


def _classify(text: str, year: int | None) -> tuple[int, ...]:
    """The parts a heading's wording names: parts 2–5 by their keywords (a heading may name
    two, e.g. 存在的问题和下一步打算); 4 for a heading on the next year; else 1 by its keywords;
    else 4 by its weak keywords (工作计划 …)."""
    rules = {p.number: p for p in patterns().parts}
    bare = _LEADING_YEAR.sub("", text).strip(" 。：:")
    found = tuple(
        n for n in (2, 3, 4, 5) if any(w in text for w in rules[n].any) or bare in rules[n].exact
    )
    if found:
        return found
    years = {int(y) for y in _YEAR.findall(text)}
    if year is not None and year + 1 in years and year not in years:
        return (4,)
    if any(w in text for w in rules[1].any) or bare in rules[1].exact:
        return (1,)
    if any(w in text for w in rules[4].weak):
        return (4,)
    return ()


def _names_part(text: str) -> bool:
    """Whether ``text`` names a part by a keyword of its own (not a weak one)."""
    bare = text.strip(" 。：:")
    return any(any(w in text for w in p.any) or bare in p.exact for p in patterns().parts)


def _headings(lines: list[str], year: int | None) -> list[_Heading]:
    """Part-level headings (``一、…``, ``第一部分…``, or a short bare line that names a part)
    and ``（一）`` sub-headings. A ``一、`` heading whose numeral does not follow on from the
    last one (a list restarting at 一 inside a part) is not a part heading; in a report whose
    parts are ``第一部分…``, ``一、`` headings are sub-headings."""
    stripped = [raw.strip().lstrip("#").strip() for raw in lines]
    part_words = any((m := _LEVEL_1.match(s)) and m.group("part") for s in stripped)
    found: list[_Heading] = []
    last = 0
    for i, line in enumerate(stripped, start=1):
        if not line:
            continue
        m1 = _LEVEL_1.match(line)
        if m1 and (m1.group("part") or not part_words):
            text, body = _cut(line), _cut(line[m1.end() :])
            n = _numeral(m1.group("part") or m1.group("n"))
            if text is None or body is None or n <= last:
                continue
            last = n
            found.append(_Heading(i, 1, text, _classify(body, year)))
            continue
        m2 = _LEVEL_2.match(line) or m1
        if m2:
            text, body = _cut(line), _cut(line[m2.end() :])
            if text is not None and body is not None:
                found.append(_Heading(i, 2, text, _classify(body, year)))
            continue
        if (
            len(line) <= _MAX_BARE_HEADING
            and line[-1] not in _CLAUSE_ENDS
            and not line.endswith("报告")
            and "的报告" not in line
            and _names_part(line)
        ):
            found.append(_Heading(i, 1, line, _classify(line, year)))
    return found


def _cut(line: str) -> str | None:
    """A heading line cut at its first 。/：, or None when that is too long for a heading."""
    m = _HEADING_CUT.search(line)
    text = (line[: m.start()] if m else line).strip()
    return text if 0 < len(text) <= _MAX_HEADING else None


@dataclass(frozen=True)
class _Structure:
    parts: tuple[PartResult, ...]
    line_parts: tuple[int | None, ...]  # index 0 unused; the part of each line


def _structure(lines: list[str], year: int | None) -> _Structure:
    headings = _headings(lines, year)
    rules = {p.number: p for p in patterns().parts}
    top: dict[int, _Heading] = {}
    for h in headings:
        if h.level == 1:
            for n in h.parts:
                top.setdefault(n, h)
    if 1 not in top:
        # Part 一 organised by 纲要 chapter: no heading names it; it starts at the first
        # heading that names no part and comes before 不足/安排/其他.
        later = [top[n].line for n in (2, 4, 5) if n in top]
        limit = min(later) if later else len(lines) + 1
        for h in headings:
            if h.level == 1 and not h.parts and h.line < limit:
                top[1] = _Heading(h.line, 1, h.text, (1,))
                break
    sub: dict[int, _Heading] = {}
    for h in headings:
        if h.level == 2:
            for n in h.parts:
                if n not in top and n != 1:
                    sub.setdefault(n, h)
    # The part of every line: a part heading starts it; a sub-heading standing for a part
    # runs to the next heading.
    starts = {h.line: n for n, h in top.items()}
    substarts = {h.line: n for n, h in sub.items()}
    heading_lines = {h.line: h.level for h in headings}
    line_parts: list[int | None] = [None]
    current: int | None = None
    inner: int | None = None
    for i in range(1, len(lines) + 1):
        if i in starts:
            current = min(n for n, h in top.items() if h.line == i)
            inner = None
        elif i in substarts:
            inner = substarts[i]
        elif heading_lines.get(i) is not None:
            inner = None
        line_parts.append(inner if inner is not None else current)
    results: list[PartResult] = []
    for n in PART_NUMBERS:
        where = top.get(n) or sub.get(n)
        results.append(
            PartResult(
                number=n,
                name=rules[n].name,
                found=where is not None,
                heading=where.text if where else None,
                line=where.line if where else None,
                level=where.level if where else None,
            )
        )
    return _Structure(tuple(results), tuple(line_parts))


def _title_year(lines: list[str], first_heading: int) -> int | None:
    """The year in the title (``2023年法治政府建设年度报告``, ``2023年度…情况的报告``)."""
    limit = min(first_heading - 1, 30) if first_heading > 1 else 10
    for raw in lines[:limit]:
        line = raw.strip()
        if "报告" in line and not line.startswith(("来源", "发布")):
            m = _TITLE_YEAR.search(line)
            if m:
                return int(m.group(1))
    return None


def _frequent_year(text: str) -> int | None:
    """The most frequent 20xx年 (the earliest written on a tie)."""
    years = [int(y) for y in _YEAR.findall(text)]
    if not years:
        return None
    counts = Counter(years)
    best = max(counts.values())
    return next(y for y in years if counts[y] == best)


# --- figures ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Raw:
    start: int
    end: int
    value: str
    number: Decimal
    unit: str
    approx: bool


#: Two digits side by side in a Chinese numeral: a range (三四个) or a digit string (二〇二三).
_CN_DIGIT_RUN = re.compile(r"[一二两三四五六七八九][一二两三四五六七八九〇零]")


@lru_cache(maxsize=2048)
def _cn_value(text: str) -> Decimal | None:
    """一百二十 → 120, 九十五点五 → 95.5, 两 → 2; None for what is not one number."""
    if _CN_DIGIT_RUN.search(text.partition("点")[0]):
        return None
    from cn2an import cn2an  # imported when first needed: it loads its tables (~0.1 s)

    try:
        value = cn2an(text, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _plain(number: Decimal) -> str:
    """Decimal → its digits without exponent or trailing zeros (120, 95.5)."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < b and a < end for a, b in spans)


def _arabic_figures(line: str) -> list[_Raw]:
    """Figures in Arabic digits, without dates, document numbers, ordinals (第3条, 第1、2批)
    and list markers. A number with no unit followed by 、 takes the unit of the list's next
    number (纪要12、常务会议纪要15、议题140项 → 12项, 15项, 140项)."""
    pats = patterns()
    items: list[tuple[re.Match[str], str, bool]] = []  # (match, mag+unit, usable)
    for m in pats.figure.finditer(line):
        unit, mag = m.group("unit") or "", m.group("mag") or ""
        before = line[max(0, m.start() - 24) : m.start()].rstrip(" \t")
        usable = not (
            before.endswith(("第", "〕", "]", "】", "时")) or _ORDINAL_LIST.search(before)
        )
        if unit and line.startswith(pats.not_units.get(unit, ()), m.start("unit")):
            unit = ""
            usable = usable and not mag  # 12345市民热线, 2万市民: not a figure
        items.append((m, mag + unit, usable))
    units = [unit for _, unit, _ in items]
    for k in range(len(items) - 2, -1, -1):
        m, unit, usable = items[k]
        nxt, _, next_usable = items[k + 1]
        if unit or not usable or not next_usable or not units[k + 1]:
            continue
        gap = line[m.end("num") : nxt.start()]
        clause_start = max((line.rfind(c, 0, m.start()) for c in _CLAUSE_ENDS), default=-1)
        head = line[clause_start + 1 : m.start()].strip(" \t（()）")
        if (
            gap.lstrip(" \t").startswith("、")
            and len(gap) <= _MAX_LIST_GAP
            and not any(c in _CLAUSE_ENDS for c in gap)
            and head  # 1、…… at the start of a clause is a list marker
        ):
            units[k] = units[k + 1]
    found: list[_Raw] = []
    for (m, own, usable), unit in zip(items, units, strict=True):
        if not usable or not unit:
            continue
        start = m.start()
        end = m.end() if own else m.end("num")
        before = line[max(0, start - 24) : start].rstrip(" \t")
        approx = (
            bool(m.group("a1") or m.group("a2"))
            or before.endswith(_APPROX_BEFORE)
            or line.startswith(_APPROX_AFTER, end)
        )
        value = m.group("num")
        found.append(_Raw(start, end, value, Decimal(value.replace(",", "")), unit, approx))
    return found


def _chinese_figures(line: str, taken: list[tuple[int, int]]) -> list[_Raw]:
    """Figures in Chinese numerals (两轮, 一百二十件, 三百余人, 百分之九十五), not in quotes or
    titles (“两代表一委员”), not ordinals (第五次), not a lone 一 (一个, 一次性), not the words of
    ``chinese_not_figures`` (十分, 三番五次)."""
    pats = patterns()
    blocked = [m.span() for m in _QUOTED.finditer(line)]
    for word in pats.cn_not_figures:
        at = line.find(word)
        while at >= 0:
            blocked.append((at, at + len(word)))
            at = line.find(word, at + 1)
    found: list[_Raw] = []
    for m in pats.cn_figure.finditer(line):
        start, end = m.span()
        if _overlaps(taken, start, end) or _overlaps(blocked, start, end):
            continue
        before = line[max(0, start - 24) : start].rstrip(" \t")
        if (start and (line[start - 1].isdigit() or line[start - 1] == ".")) or before.endswith(
            _CN_NOT_AFTER
        ):
            continue
        if m.group("pct") is not None:
            text, mag, unit = m.group("pct"), "", "%"
        else:
            text, mag, unit = m.group("cn"), "", m.group("unit")
            if line.startswith(pats.not_units.get(unit, ()), m.start("unit")):
                continue
            if len(text) > 1 and text[-1] in "万亿":
                text, mag = text[:-1], text[-1]
        if line.startswith(pats.cn_not_before, end):
            continue
        if text in _CN_ALONE or (number := _cn_value(text)) is None:
            continue
        approx = (
            bool(m.group("pct") is None and m.group("a1"))
            or before.endswith(_APPROX_BEFORE)
            or line.startswith(_APPROX_AFTER, end)
        )
        found.append(_Raw(start, end, _plain(number), number, mag + unit, approx))
    return found


def _in_rule(line: str, start: int) -> bool:
    """Whether the number at ``start`` is part of a rule, not a figure: right after 每
    (每5起败诉案件为一个时间节点), or right after a threshold (不少于) in a sentence that
    states a requirement (要求、每年……) before it."""
    pats = patterns()
    before = line[max(0, start - 24) : start].rstrip(" \t")
    if before.endswith("每"):
        return True
    if not before.endswith(pats.thresholds):
        return False
    sentence_start = max((line.rfind(c, 0, start) for c in _SENTENCE_ENDS), default=-1)
    head = line[sentence_start + 1 : start]
    return any(w in head for w in pats.rule_words)


def _raw_figures(line: str) -> list[_Raw]:
    """The figures of one line (already in ASCII digits), in text order."""
    arabic = _arabic_figures(line)
    chinese = _chinese_figures(line, [(r.start, r.end) for r in arabic])
    found = sorted([*arabic, *chinese], key=lambda r: r.start)
    return [r for r in found if not _in_rule(line, r.start)]


def _bounds(ends: list[int], start: int, end: int, length: int) -> tuple[int, int]:
    """(first, last) offsets of the span between the delimiters around [start, end)."""
    i = bisect.bisect_left(ends, start)
    left = ends[i - 1] + 1 if i > 0 else 0
    j = bisect.bisect_left(ends, end)
    right = ends[j] if j < len(ends) else length
    return left, right


_Occurrence = tuple[int, int, str]  # (start, end, topic)


def _topic_occurrences(line: str) -> list[_Occurrence]:
    """Every topic keyword in ``line``, by start offset."""
    found: list[_Occurrence] = []
    for name, words in patterns().topics:
        for w in words:
            at = line.find(w)
            while at >= 0:
                found.append((at, at + len(w), name))
                at = line.find(w, at + 1)
    found.sort()
    return found


def _topic(occurrences: list[_Occurrence], starts: list[int], lo: int, hi: int) -> str | None:
    """The topic of the keyword that starts last within ``[lo, hi)`` (the nearest before the
    figure in its sentence)."""
    i = bisect.bisect_left(starts, hi) - 1
    while i >= 0 and occurrences[i][0] >= lo:
        if occurrences[i][1] <= hi:
            return occurrences[i][2]
        i -= 1
    return None


def _metric(unit: str, segment: str, sentence: frozenset[str], topic: str | None) -> str | None:
    for rule in patterns().metrics_by_unit.get(unit, ()):
        if rule.matches(unit, segment, sentence, topic):
            return rule.code
    return None


def _phrase(line: str, start: int, end: int, figure_start: int, figure_end: int) -> str:
    """The clause ``line[start:end]``; a very long one is cut to the words around the figure."""
    if end - start > _MAX_PHRASE:
        half = _MAX_PHRASE // 2
        left, right = max(start, figure_start - half), min(end, figure_end + half)
        cut = line[left:right].strip()
        return ("…" if left > start else "") + cut + ("…" if right < end else "")
    return line[start:end].strip()


def _line_figures(raw_line: str, number: int, part: int | None) -> list[Figure]:
    line = raw_line.translate(_FULL_WIDTH)
    raws = _raw_figures(line)
    if not raws:
        return []
    clause_ends = [i for i, c in enumerate(line) if c in _CLAUSE_ENDS]
    sentence_ends = [i for i, c in enumerate(line) if c in _SENTENCE_ENDS]
    occurrences = _topic_occurrences(line)
    starts = [o[0] for o in occurrences]
    sentence_words = patterns().sentence_words
    present: dict[tuple[int, int], frozenset[str]] = {}
    spans = [_bounds(clause_ends, r.start, r.end, len(line)) for r in raws]
    figures: list[Figure] = []
    for k, (r, (c_start, c_end)) in enumerate(zip(raws, spans, strict=True)):
        # The words of a clause with several figures go with the figure that follows them
        # (受理10件、不予受理2件); after the clause's last figure, with that figure.
        seg_start = raws[k - 1].end if k > 0 and spans[k - 1] == (c_start, c_end) else c_start
        last_in_clause = k + 1 == len(raws) or spans[k + 1] != (c_start, c_end)
        seg_end = c_end if last_in_clause else r.end
        sentence = _bounds(sentence_ends, r.start, r.end, len(line))
        if sentence not in present:
            text = line[sentence[0] : sentence[1]]
            present[sentence] = frozenset(w for w in sentence_words if w in text)
        topic = _topic(occurrences, starts, sentence[0], seg_end)
        figures.append(
            Figure(
                value=r.value,
                number=r.number,
                unit=r.unit,
                approx=r.approx,
                phrase=_phrase(raw_line, c_start, c_end, r.start, r.end),
                line=number,
                part=part,
                metric_code=_metric(r.unit, line[seg_start:seg_end], present[sentence], topic),
                written=raw_line[r.start : r.end],
            )
        )
    return figures


# --- rates against their counts --------------------------------------------------------------
def _nearest(figures: list[Figure], code: str, at: int) -> Figure | None:
    """The exact figure with ``code`` nearest before index ``at``, else the first after it."""
    same = [j for j, f in enumerate(figures) if f.metric_code == code and not f.approx]
    before = [j for j in same if j < at]
    if before:
        return figures[before[-1]]
    return figures[same[0]] if same else None


def _agrees(relation: str, stated: Decimal, computed: Decimal, tolerance: Decimal) -> bool:
    if relation == "at_least":
        return stated >= computed - tolerance
    if relation == "at_most":
        return stated <= computed + tolerance
    return abs(computed - stated) <= tolerance


def _rate_findings(figures: list[Figure]) -> list[Finding]:
    """A rate of one paragraph checked against the counts stated with it (``rate_checks``).

    Each numerator count is the one nearest the rate, or all of that kind in the paragraph
    added up (撤销3件、确认违法2件 are both 纠错数); only when neither way agrees with the rate
    is it reported."""
    names = metric_names()
    found: list[Finding] = []
    for check in patterns().rate_checks:
        for i, rate in enumerate(figures):
            if rate.metric_code != check.rate or rate.approx or rate.unit != "%":
                continue
            denominator = _nearest(figures, check.denominator, i)
            numerator = [f for c in check.numerator if (f := _nearest(figures, c, i)) is not None]
            if denominator is None or not numerator or denominator.number == 0:
                continue
            totals = {Decimal(0)}
            for code in check.numerator:
                same = [f.number for f in figures if f.metric_code == code and not f.approx]
                if same:
                    options = {sum(same, Decimal(0))}
                    options.add(next(f.number for f in numerator if f.metric_code == code))
                    totals = {t + o for t in totals for o in options}
            exponent = rate.number.as_tuple().exponent
            decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            tolerance = Decimal("0.5") * Decimal(10) ** -decimals
            if any(
                _agrees(check.relation, rate.number, t / denominator.number * 100, tolerance)
                for t in totals
            ):
                continue
            computed = sum((f.number for f in numerator), Decimal(0)) / denominator.number * 100
            name = names.get(check.rate, check.rate)
            counts = "、".join(
                f"{names.get(f.metric_code or '', '')}{f.display}"
                for f in [*numerator, denominator]
            )
            shown = f"{computed.quantize(Decimal(10) ** -max(decimals, 1))}%"
            message = {
                "equal": f"{name}写为{rate.display}，按文中的{counts}计算为{shown}，两者不符",
                "at_least": f"{name}写为{rate.display}，低于按文中的{counts}计算的{shown}"
                f"（这些件数都计入{name}的分子）",
                "at_most": f"{name}写为{rate.display}，高于按文中的{counts}计算的{shown}"
                f"（{name}不会高于这一比例）",
            }[check.relation]
            found.append(Finding("rate_mismatch", PROBLEM, message, rate.line))
    return found


# --- entry point ------------------------------------------------------------------------------
def check_text(text: str) -> CheckResult:
    """Check a report's plain text: its five parts, its year and its figures."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = _structure(lines, None)
    heading_lines = [p.line for p in first.parts if p.line is not None]
    year = _title_year(lines, min(heading_lines) if heading_lines else 0)
    if year is None:
        part1 = [line for i, line in enumerate(lines, start=1) if first.line_parts[i] == 1]
        year = _frequent_year("\n".join(part1)) or _frequent_year(text)
    structure = _structure(lines, year) if year is not None else first
    figures: list[Figure] = []
    findings: list[Finding] = []
    for i, line in enumerate(lines, start=1):
        found = _line_figures(line, i, structure.line_parts[i])
        figures.extend(found)
        findings.extend(_rate_findings(found))
    return CheckResult(
        year=year, parts=list(structure.parts), figures=figures, rate_findings=tuple(findings)
    )
