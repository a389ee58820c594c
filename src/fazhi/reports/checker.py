"""Check the text of any annual report (法治政府建设年度报告).

:func:`check_text` finds, in plain text:

- the five parts the 《法治政府建设与责任落实督察工作规定》 requires (主要举措和成效,
  存在的不足和原因, 第一责任人职责情况, 下一年度主要安排, 其他需要报告的情况), whatever their
  order and wording;
- the year the report covers;
- every figure written with Arabic digits and a unit (``156件``, ``98.5%``, ``1.2万元``,
  ``3000余人``), each with its clause, line and part, and, where the wording says so, the
  platform metric it reports (``reconsideration.received`` …).

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
from decimal import Decimal
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

    @property
    def display(self) -> str:
        return f"{self.value}{self.unit}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "number": str(self.number),
            "unit": self.unit,
            "approx": self.approx,
            "phrase": self.phrase,
            "line": self.line,
            "part": self.part,
            "metric_code": self.metric_code,
        }


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_text` found: ``parts`` has five entries, in the order 1–5."""

    year: int | None
    parts: list[PartResult]
    figures: list[Figure]

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
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{year, parts: [...], figures: [...], summary: {...}}``."""
        return {
            "year": self.year,
            "parts": [p.as_dict() for p in self.parts],
            "figures": [f.as_dict() for f in self.figures],
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
            lines.append(f"出现顺序：{text}" + ("" if same else "（与规定的顺序不同）"))
        mapped = sum(1 for f in self.figures if f.metric_code)
        lines.append(f"数据：共{len(self.figures)}个，其中{mapped}个可对应平台统计指标")
        for f in self.figures:
            where = _part_label(f.part) if f.part else "部分未定"
            item = f"  第{f.line}行｜{where}｜{f.display}" + ("（约数）" if f.approx else "")
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
    alternation = "|".join(re.escape(u) for u in units)
    figure = re.compile(
        r"(?<![\d.A-Za-z])"
        r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        r"[ \t]?(?P<a1>余|多)?(?P<mag>万|亿)?(?P<a2>余|多)?"
        rf"(?P<unit>{alternation})?"
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


def _raw_figures(line: str) -> list[_Raw]:
    """The figures of one line (already in ASCII digits), without dates, document numbers,
    ordinals (第3条, 第1、2批) and list markers."""
    pats = patterns()
    found: list[_Raw] = []
    for m in pats.figure.finditer(line):
        unit, mag = m.group("unit") or "", m.group("mag") or ""
        if not unit and not mag:
            continue
        start = m.start()
        before = line[max(0, start - 24) : start].rstrip(" \t")
        if before.endswith(("第", "〕", "]", "】", "时")) or _ORDINAL_LIST.search(before):
            continue
        if unit and line.startswith(pats.not_units.get(unit, ()), m.start("unit")):
            continue
        approx = (
            bool(m.group("a1") or m.group("a2"))
            or before.endswith(_APPROX_BEFORE)
            or line.startswith(_APPROX_AFTER, m.end())
        )
        value = m.group("num")
        found.append(
            _Raw(start, m.end(), value, Decimal(value.replace(",", "")), mag + unit, approx)
        )
    return found


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
            )
        )
    return figures


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
    for i, line in enumerate(lines, start=1):
        figures.extend(_line_figures(line, i, structure.line_parts[i]))
    return CheckResult(year=year, parts=list(structure.parts), figures=figures)
