"""Plan-text parser: a 工作要点 / 工作计划 document → sections, tasks, units, deadlines, targets.

Pure functions, no ORM (the import service matches unit names to the org tree afterwards).

Real plans differ in every detail, so nothing here depends on one layout:

- **Numbering.** Items start with ``一、`` ``（一）`` ``1、``/``1.`` ``（1）`` or ``①``, in any
  nesting order; the depth of each style is the order in which it first appears. Lines without
  a number continue the item above (items split across lines). ``一、`` items are the sections
  when the document has them (or when every top-level item is a heading over numbered
  sub-items), else all tasks fall into one unnamed section.
- **Which items are tasks.** An item that names its units is a task (its sub-items are part of
  its text); an item whose sub-items name units is a heading; where no unit is named anywhere
  below a section, the items right under it are the tasks. A task that names no units takes
  those of the nearest heading above that does.
- **Units.** ``【牵头单位：A；配合单位：B】`` ``（责任单位：A、B）``
  ``(牵头部门:A;协办单位:B)``, or the ``（A牵头，B、C配合）`` style; Chinese or ASCII brackets
  and colons; several labels in one bracket. 牵头 → lead, 责任/主责 → responsible,
  配合/协办/参与 → cooperating.
- **Deadlines.** ``6月底前`` ``9月30日前`` ``10月中旬`` ``年底前`` ``第三季度`` ``上半年``
  (dated in the plan's year, or the year written before them in the same task:
  ``2025年3月1日前……4月1日前``); relative ones (``自发布之日起15日内``,
  ``20个工作日内``) are kept as text without a date.
- **Targets.** ``不少于6次`` ``达到100%`` ``不低于执法人员总数的5%`` ``90%以上`` ``组织评查1次``,
  and ``确保Z率100%`` (no 达到). Each target names its subject, the words before it in its
  clause (or the clause before, for ``组织评查，不少于100卷``): ``X率、Y率达到100%`` is two
  targets, X率 and Y率. The words that make a subject are data (``plan_rules.json`` ``targets``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "fixtures" / "plan_rules.json"

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

LEAD, RESPONSIBLE, COOPERATING = "lead_units", "responsible_units", "cooperating_units"
ROLE_LABELS = {
    "牵头单位": LEAD,
    "牵头部门": LEAD,
    "牵头": LEAD,
    "责任单位": RESPONSIBLE,
    "责任部门": RESPONSIBLE,
    "主责单位": RESPONSIBLE,
    "主责部门": RESPONSIBLE,
    "落实单位": RESPONSIBLE,
    "配合单位": COOPERATING,
    "配合部门": COOPERATING,
    "协办单位": COOPERATING,
    "协办部门": COOPERATING,
    "参与单位": COOPERATING,
}
_LABEL = "|".join(sorted(ROLE_LABELS, key=len, reverse=True))


class PlanParseError(ValueError):
    """The text is not a plan this parser can read (message in Chinese)."""


def cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23, or an Arabic number."""
    if text in CIRCLED:
        return CIRCLED.index(text) + 1
    if text.isdecimal():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[text]


# --- reading lines into numbered items -------------------------------
_CN = "[一二三四五六七八九十]{1,3}"
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn", re.compile(rf"^({_CN})\s*[、.．]\s*")),
    ("cn_paren", re.compile(rf"^[（(]\s*({_CN})\s*[）)]\s*")),
    ("num", re.compile(r"^(\d{1,3})\s*(?:[、．]|\.(?!\d))\s*")),
    ("num_paren", re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*")),
    ("circled", re.compile(rf"^([{CIRCLED}])\s*")),
)
_DATE_LINE = re.compile(r"^(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$")
_TITLE = re.compile(r"(要点|计划|方案|安排|任务分工|清单|重点)$")


@dataclass
class Item:
    kind: str
    number: str
    lines: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)

    @property
    def own(self) -> str:
        return "".join(self.lines)

    @property
    def full(self) -> str:
        return "".join([self.own, *(child.full for child in self.children)])


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    text = text.replace("\xa0", " ").replace("\ufeff", "")
    return [line.strip() for line in text.split("\n") if line.strip()]


def _marker(line: str) -> tuple[str, str, str] | None:
    for kind, pattern in MARKERS:
        if match := pattern.match(line):
            rest = line[match.end() :]
            if kind == "num" and re.match(r"^\d", rest):
                continue
            return kind, match.group(1), rest
    return None


def _is_signature(lines: list[str], i: int) -> bool:
    """A 落款 line: a date on its own, or a short name line right above one."""
    if _DATE_LINE.match(lines[i].replace(" ", "")):
        return True
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return (
        len(lines[i]) <= 30
        and not re.search(r"[。；;，,：:]", lines[i])
        and bool(_DATE_LINE.match(nxt.replace(" ", "")))
    )


@dataclass
class _Reading:
    preamble: list[str]
    roots: list[Item]
    tail: list[str]


def _read(text: str) -> _Reading:
    lines = _lines(text)
    order: list[str] = []
    preamble: list[str] = []
    tail: list[str] = []
    roots: list[Item] = []
    stack: list[Item] = []
    for i, line in enumerate(lines):
        found = _marker(line)
        if found is None:
            if not stack:
                preamble.append(line)
            elif _is_signature(lines, i) or tail:
                tail.append(line)
            else:
                stack[-1].lines.append(line)
            continue
        if tail:  # numbered text after a 落款: an appendix; keep reading it as items
            tail = []
        kind, number, rest = found
        if kind not in order:
            order.append(kind)
        item = Item(kind, number, [rest] if rest else [])
        depth = order.index(kind)
        while stack and order.index(stack[-1].kind) >= depth:
            stack.pop()
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
    return _Reading(preamble, roots, tail)


# --- units -----------------------------------------------------------
#: Unit brackets: square ones may hold parentheses (各乡镇（街道）); parentheses one level.
_BRACKETS: tuple[re.Pattern[str], ...] = (
    re.compile(r"【([^【】]*)】"),
    re.compile(r"［([^［］]*)］"),
    re.compile(r"\[([^\[\]]*)\]"),
    re.compile(r"〔([^〔〕]*)〕"),
    re.compile(r"[（(]((?:[^（）()]|[（(][^（）()]*[）)])*)[）)]"),
)
_LABELLED = re.compile(rf"({_LABEL})\s*[:：]\s*")
_VERB_STYLE = re.compile(r"(牵头|负责|落实|配合|协办|协助|参与)$")
_VERB_ROLE = {"牵头": LEAD, "负责": RESPONSIBLE, "落实": RESPONSIBLE}


def split_names(text: str) -> list[str]:
    """``县委编办、县司法局，县各相关部门等`` → three names (never split inside a name)."""
    names = []
    for part in re.split(r"[、，,；;/／\s]+", text):
        name = re.sub(r"(等单位|等部门|等)$", "", part.strip(" 。.：:"))
        if name and name not in names:
            names.append(name)
    return names


def _roles_in(segment: str) -> dict[str, list[str]] | None:
    """The units named in one bracket, or None when it names none."""
    found: dict[str, list[str]] = {}
    labels = list(_LABELLED.finditer(segment))
    if labels:
        for i, match in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(segment)
            role = ROLE_LABELS[match.group(1)]
            found.setdefault(role, []).extend(split_names(segment[match.end() : end]))
        return found
    parts = [p.strip() for p in re.split(r"[，,；;]", segment) if p.strip()]
    if not parts or not all(_VERB_STYLE.search(p) for p in parts):
        return None
    for part in parts:
        verb = _VERB_STYLE.search(part)
        assert verb is not None
        role = _VERB_ROLE.get(verb.group(1), COOPERATING)
        found.setdefault(role, []).extend(split_names(part[: verb.start()]))
    return found


def extract_units(text: str) -> tuple[str, dict[str, list[str]]]:
    """(the text without its unit brackets, {role: [names]})."""
    roles: dict[str, list[str]] = {}
    kept = text
    for pattern in _BRACKETS:
        for match in reversed(list(pattern.finditer(kept))):
            found = _roles_in(match.group(1))
            if found is None:
                continue
            for role, names in found.items():
                roles[role] = names + [n for n in roles.get(role, []) if n not in names]
            kept = kept[: match.start()] + kept[match.end() :]
    if not roles:  # an unbracketed "牵头单位：…" at the end of the item
        tail = re.search(rf"(?:^|[。；;])\s*((?:{_LABEL})\s*[:：].*)$", kept)
        if tail and (found := _roles_in(tail.group(1))):
            roles = found
            kept = kept[: tail.start(1)]
    return kept.strip(), roles


# --- deadlines -------------------------------------------------------
_BEFORE = r"(?:之前|以前|前)"
_YEAR = r"(?:(\d{4})\s*年)?"
_DEADLINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("day", re.compile(rf"{_YEAR}(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日\s*{_BEFORE}")),
    ("month_end", re.compile(rf"{_YEAR}(\d{{1,2}})\s*月\s*(?:底|末)\s*{_BEFORE}?")),
    ("ten_days", re.compile(rf"{_YEAR}(\d{{1,2}})\s*月\s*(上旬|中旬|下旬)\s*(?:末)?{_BEFORE}?")),
    ("month", re.compile(rf"{_YEAR}(\d{{1,2}})\s*月\s*(?:份)?\s*{_BEFORE}")),
    ("quarter", re.compile(rf"{_YEAR}第?\s*([一二三四1-4])\s*季度\s*(?:末)?{_BEFORE}?")),
    ("half", re.compile(rf"{_YEAR}(上半年|下半年|年中)\s*{_BEFORE}?")),
    ("year_end", re.compile(r"(?:(\d{4})\s*)?年\s*(?:底|末|内)\s*" + rf"{_BEFORE}?")),
    ("relative", re.compile(r"(\d+|[一二三四五六七八九十]+)\s*(个工作日|个月|日|天|周)\s*内")),
)
#: The start of a relative period written before it: "自公布之日起", "于收到申请之日起".
_SINCE = re.compile(r"(?:自|从|于|在)[^，。；;,、自从于在]{0,16}?(?:之日|日)起\s*$")


@dataclass(frozen=True)
class Deadline:
    text: str
    date: dt.date | None
    start: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "date": self.date.isoformat() if self.date else None}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date_of(kind: str, groups: tuple[Any, ...], year: int | None) -> dt.date | None:
    if year is None or kind == "relative":
        return None
    try:
        if kind == "day":
            return dt.date(year, int(groups[1]), int(groups[2]))
        if kind in ("month_end", "month"):
            return _month_end(year, int(groups[1]))
        if kind == "ten_days":
            day = {"上旬": 10, "中旬": 20}.get(groups[2])
            month = int(groups[1])
            return dt.date(year, month, day) if day else _month_end(year, month)
        if kind == "quarter":
            return _month_end(year, cn_number(groups[1]) * 3)
        if kind == "half":
            return _month_end(year, 12 if groups[1] == "下半年" else 6)
        return dt.date(year, 12, 31)
    except ValueError:  # 2月30日: keep the text, no date
        return None


def find_deadlines(text: str, year: int | None) -> list[Deadline]:
    """Deadlines in ``text``, in order; a written year carries over to the later ones."""
    matches: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _DEADLINES:
        for match in pattern.finditer(text):
            matches.append((match.start(), match.end(), kind, match))
    matches.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    found: list[Deadline] = []
    taken_until = -1
    current = year
    for start, end, kind, match in matches:
        if start < taken_until:
            continue
        taken_until = end
        groups = match.groups()
        if kind == "relative" and (since := _SINCE.search(text[:start])):
            start = since.start()
        elif kind != "relative" and groups[0]:
            current = int(groups[0])
        phrase = text[start:end].strip()
        found.append(Deadline(phrase, _date_of(kind, groups, current), start))
    return found


# --- targets ---------------------------------------------------------
_UNITS = (
    r"%|％|个百分点|学时|课时|人次|小时|万元|"
    r"次|件|卷|人|个|家|场|期|篇|项|天|日|元|份|批|轮|户|所|套"
)
_OPS = {
    "不少于": ">=",
    "不低于": ">=",
    "不得少于": ">=",
    "不得低于": ">=",
    "至少": ">=",
    "达到": ">=",
    "达": ">=",
    "保持": "=",
    "超过": ">",
    "高于": ">",
    "不超过": "<=",
    "不高于": "<=",
    "不得超过": "<=",
    "不得高于": "<=",
    "控制在": "<=",
    "低于": "<",
    "以上": ">=",
    "及以上": ">=",
    "以下": "<=",
    "以内": "<=",
}
_OP_WORDS = "|".join(
    sorted((k for k in _OPS if not k.startswith(("以", "及"))), key=len, reverse=True)
)
_NUMBER = r"(\d+(?:\.\d+)?)"
_TARGETS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"({_OP_WORDS})\s*(?:[^，。；;,\d]{{0,12}}?的)?\s*{_NUMBER}\s*({_UNITS})"),
    re.compile(rf"{_NUMBER}\s*({_UNITS})\s*(及以上|以上|以下|以内)"),
    re.compile(
        rf"(?:组织|开展|举办|召开|完成|评查|培训|检查|督查|学法)[^，。；;,\d]{{0,10}}?{_NUMBER}\s*"
        r"(次|场|期|批|轮)"
    ),
    #: 确保Z率100%: a rate and its value with no operator word between (the op is read from
    #: the words before it, ``ensure_words``).
    re.compile(rf"(?<=率)\s*(?:均为|均|为)?\s*{_NUMBER}\s*(%|％)"),
)
#: Where a subject's clause starts: the delimiter before it.
_SUBJECT_STOP = re.compile(r"[，,。；;：:！!？?\s（）()【】]")
_SUBJECT_MAX = 24


@lru_cache(maxsize=1)
def _target_rules() -> dict[str, tuple[str, ...]]:
    data: dict[str, Any] = json.loads(RULES_FILE.read_text(encoding="utf-8"))["targets"]
    return {
        key: tuple(data[key]) for key in ("rate_nouns", "ensure_words", "skip_before", "skip_after")
    }


def _clean_subject(words: str) -> str:
    rules = _target_rules()
    words = words.strip(" 、")
    changed = True
    while changed and words:
        changed = False
        for word in sorted(rules["skip_before"], key=len, reverse=True):
            if words.startswith(word):
                words, changed = words[len(word) :].lstrip(" 、"), True
        for word in sorted(rules["skip_after"], key=len, reverse=True):
            if words.endswith(word):
                words, changed = words[: -len(word)].rstrip(" 、"), True
    return words[-_SUBJECT_MAX:]


def _clause_before(text: str, end: int, spans: list[tuple[int, int]]) -> tuple[int, str]:
    """(start, words) of the clause that ends at ``end``: back to its delimiter or to the end of
    a deadline or an earlier target in it."""
    start = 0
    for match in _SUBJECT_STOP.finditer(text, 0, end):
        start = match.end()
    for a, b in spans:
        if start <= b <= end and a < end:
            start = b
    return start, text[start:end]


def _subjects(text: str, at: int, spans: list[tuple[int, int]]) -> tuple[list[str], bool]:
    """The subjects of a target whose subject ends at ``at`` (several for 审核率、公开率达到100%),
    and whether an ``ensure_words`` word comes before it in its clause (确保Z率100%)."""
    rules = _target_rules()
    start, head = _clause_before(text, at, spans)
    ensure = any(w in text[max(0, start - 8) : at] for w in rules["ensure_words"])
    subject = _clean_subject(head)
    if not subject and start > 0 and text[start - 1] in "，,":
        _, prev = _clause_before(text, start - 1, spans)
        subject = _clean_subject(prev)
    pieces = [_clean_subject(p) for p in subject.split("、")]
    rates: list[str] = []
    for piece in reversed(pieces):
        if not piece.endswith(rules["rate_nouns"]):
            break
        rates.insert(0, piece)
    if len(rates) > 1 or (rates and len(pieces) > 1):
        return rates, ensure
    return [subject], ensure


@dataclass(frozen=True)
class Target:
    """One quantitative target: ``text`` names it with its subject (``审核率达到100%``);
    ``subject`` is that subject alone (``审核率``; empty when the plan names none)."""

    text: str
    op: str
    value: float
    unit: str
    start: int = 0
    subject: str = ""

    def as_dict(self) -> dict[str, Any]:
        value: float | int = int(self.value) if self.value == int(self.value) else self.value
        return {
            "text": self.text,
            "subject": self.subject,
            "op": self.op,
            "value": value,
            "unit": self.unit,
        }


def find_targets(text: str, skip: list[tuple[int, int]] | None = None) -> list[Target]:
    """Quantitative targets in ``text`` (not overlapping the ``skip`` spans, e.g. deadlines),
    each with its subject; ``X率、Y率达到100%`` gives one target for each rate."""
    spans = list(skip or [])
    matches: list[tuple[re.Match[str], str, str, str]] = []  # (match, op, value, unit)
    for index, pattern in enumerate(_TARGETS):
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in spans):
                continue
            if index == 0:
                op, value, unit = _OPS[match.group(1)], match.group(2), match.group(3)
            elif index == 1:
                value, unit, op = match.group(1), match.group(2), _OPS[match.group(3)]
            else:
                value, unit, op = match.group(1), match.group(2), "="
            if unit == "日" and op == "=":
                continue
            spans.append((match.start(), match.end()))
            matches.append((match, op, value, "%" if unit == "％" else unit))
    found: list[Target] = []
    for match, op, value, unit in sorted(matches, key=lambda m: m[0].start()):
        # 组织评查1次: the verb and its object are the subject, with what comes before them.
        at = match.start(1) if match.re is _TARGETS[2] else match.start()
        said = text[at : match.end()].strip()
        is_rate_only = match.re is _TARGETS[-1]
        others = [span for span in spans if span != match.span()]
        subjects, ensure = _subjects(text, at, others)
        if is_rate_only:
            if not ensure:
                continue  # 审查率100% as a fact, not a target
            op = ">="
        for subject in subjects:
            named = subject + said
            found.append(Target(named, op, float(value), unit, match.start(), subject))
    return found


# --- the document ----------------------------------------------------
@dataclass
class Task:
    number: str
    title: str
    text: str
    units: dict[str, list[str]]
    deadlines: list[Deadline]
    targets: list[Target]

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "text": self.text,
            LEAD: self.units.get(LEAD, []),
            RESPONSIBLE: self.units.get(RESPONSIBLE, []),
            COOPERATING: self.units.get(COOPERATING, []),
            "deadlines": [d.as_dict() for d in self.deadlines],
            "targets": [t.as_dict() for t in self.targets],
        }


@dataclass
class Section:
    number: str
    title: str
    tasks: list[Task]

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "tasks": [t.as_dict() for t in self.tasks],
        }


@dataclass
class ParsedPlan:
    title: str
    year: int | None
    issued_on: dt.date | None
    sections: list[Section]

    @property
    def tasks(self) -> list[Task]:
        return [task for section in self.sections for task in section.tasks]

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "year": self.year,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "sections": [s.as_dict() for s in self.sections],
        }


def _first_sentence(text: str, limit: int = 60) -> str:
    head = re.split(r"[。；;！!？?]", text, maxsplit=1)[0].strip(" ：:，,")
    return head if len(head) <= limit else head[:limit] + "…"


def _number_label(item: Item) -> str:
    return f"（{item.number}）" if item.kind.endswith("_paren") else item.number


def _has_units(text: str) -> bool:
    return bool(extract_units(text)[1])


def _any_units_below(item: Item) -> bool:
    return any(_has_units(child.own) or _any_units_below(child) for child in item.children)


def _tasks(item: Item, year: int | None, inherited: dict[str, list[str]], out: list[Task]) -> None:
    own_units = extract_units(item.own)[1]
    if own_units or not _any_units_below(item):
        text, units = extract_units(item.full)
        _add_task(_number_label(item), text, units or inherited, year, out)
        return
    for child in item.children:
        _tasks(child, year, own_units or inherited, out)


def _add_task(
    number: str, text: str, units: dict[str, list[str]], year: int | None, out: list[Task]
) -> None:
    deadlines = find_deadlines(text, year)
    spans = [(d.start, d.start + len(d.text)) for d in deadlines]
    out.append(
        Task(
            number=number,
            title=_first_sentence(text),
            text=text,
            units=units,
            deadlines=deadlines,
            targets=find_targets(text, spans),
        )
    )


def _title(preamble: list[str]) -> str:
    standalone = [
        line
        for line in preamble
        if _TITLE.search(line.strip('》」”"'))
        and not line.startswith("关于")
        and "通知" not in line
    ]
    if standalone:
        return standalone[-1]
    for line in preamble:
        if match := re.search(r"《([^》]+)》", line):
            return match.group(1)
    return preamble[0] if preamble else ""


def _issued_on(lines: list[str]) -> dt.date | None:
    for line in lines:
        if match := _DATE_LINE.match(line.replace(" ", "")):
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                continue
    return None


def parse_plan(text: str, *, year: int | None = None) -> ParsedPlan:
    """Parse a plan's text. ``year`` (else the title's year, else the issue date's) dates the
    deadlines. Raises :class:`PlanParseError` when no numbered item is found."""
    reading = _read(text)
    if not reading.roots:
        raise PlanParseError("未找到编号条目（如“一、”“（一）”“1.”），无法识别工作任务")
    title = _title(reading.preamble)
    issued_on = _issued_on(reading.preamble + reading.tail)
    if year is None:
        found = re.search(r"(\d{4})\s*年", title)
        year = int(found.group(1)) if found else (issued_on.year if issued_on else None)
    sections: list[Section] = []
    headings = all(r.children and not _has_units(r.own) for r in reading.roots)
    if reading.roots[0].kind == "cn" or headings:
        for root in reading.roots:
            tasks: list[Task] = []
            heading, heading_units = extract_units(root.own)
            for child in root.children:
                _tasks(child, year, heading_units, tasks)
            sections.append(Section(root.number, _first_sentence(heading), tasks))
    else:
        tasks = []
        for root in reading.roots:
            _tasks(root, year, {}, tasks)
        sections.append(Section("", "", tasks))
    return ParsedPlan(title=title, year=year, issued_on=issued_on, sections=sections)


def decode(data: bytes) -> str:
    """The text of an uploaded plan file: UTF-8 (with or without BOM), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanParseError("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的文本文件")
