"""A report as a plain structure: title, blocks (headings and paragraphs), signature.

Pure Python, no Django: built by :mod:`fazhi.reports.services` from a saved report or a fresh
draft, rendered by :mod:`fazhi.reports.docx` (Word, GB/T 9704 layout) and by the HTML templates.
Heading levels follow the 公文 numbering: level 1 ``一、`` (黑体), level 2 ``（一）`` (楷体),
level 3 ``1.`` (仿宋加粗); level 0 is a body paragraph.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from fazhi.reports.tokens import show_prompts

PARAGRAPH = 0
HEADING_1 = 1
HEADING_2 = 2
HEADING_3 = 3

_LEVEL_2 = re.compile(r"^（[一二三四五六七八九十]+）")
_LEVEL_3 = re.compile(r"^\d{1,2}[.．、](?!\d)")
#: A level-3 heading is a short line (a whole paragraph is body text that starts with 1.).
_SHORT = 40


@dataclass(frozen=True)
class Block:
    level: int
    text: str


@dataclass(frozen=True)
class ReportDocument:
    title: str
    blocks: tuple[Block, ...]
    issuer: str = ""
    issued_on: dt.date | None = None
    #: The "subtitle" line under the title, e.g. （2026年3月20日） — empty for none.
    subtitle: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    def title_lines(self) -> list[str]:
        """The title as it is set: one line, or, when it is wider than a line of 2号 characters,
        broken after the issuing unit's name (公文 titles break where the sense allows, the
        shorter line on top) — never a lone character on a line of its own."""
        if (
            self.issuer
            and self.title.startswith(self.issuer)
            and self.title != self.issuer
            and width(self.title) > TITLE_CHARS
        ):
            return [self.issuer, self.title[len(self.issuer) :]]
        return [self.title]

    def text(self) -> str:
        """The whole document as plain text, one block per line (what a reader sees; a draft's
        prompts as ``【…】``)."""
        lines = [*self.title_lines()]
        if self.subtitle:
            lines.append(self.subtitle)
        lines.extend(show_prompts(b.text) for b in self.blocks)
        if self.issuer:
            lines.append(self.issuer)
        if self.issued_on:
            lines.append(cn_date(self.issued_on))
        return "\n".join(lines)


#: Characters of 2号 (22 pt) type that surely fit the 156 mm line of the GB/T 9704 版心 (20 in
#: theory; digits and substituted fonts run wider, so a title of 19–20 may wrap on its own).
TITLE_CHARS = 18


def width(text: str) -> float:
    """Width in full-width characters: ASCII letters and digits count half."""
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def blocks_from_text(text: str) -> list[Block]:
    """A part's body text (one paragraph per line) as blocks; ``（一）`` lines and short ``1.``
    lines are sub-headings. Blank lines are dropped."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if _LEVEL_2.match(line) and len(line) <= _SHORT:
            blocks.append(Block(HEADING_2, line))
        elif _LEVEL_3.match(line) and len(line) <= _SHORT and not line.endswith("。"):
            blocks.append(Block(HEADING_3, line))
        else:
            blocks.append(Block(PARAGRAPH, line))
    return blocks
