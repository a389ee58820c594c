"""Render a :class:`~fazhi.reports.document.ReportDocument` as a Word file in the 公文 layout.

The layout follows GB/T 9704-2012 《党政机关公文格式》 as far as a plain report needs it (no
版头, no 红色分隔线, no 版记):

* A4 (210 mm × 297 mm). Margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, which
  leaves the 版心 of 156 mm × 225 mm the standard asks for.
* 每面 22 行、每行 28 字 of 3号 (16 pt) text. The section declares it as a document grid
  (``w:docGrid w:type="linesAndChars"``, what Word's 页面设置 shows), but the lines and
  characters are fixed without relying on grid snapping, which renderers disagree on: every
  paragraph has *exact* line spacing of one grid line (28.95 pt) and 3号 text is 紧缩 0.5 pt
  so exactly 28 characters fit a line. See :class:`Layout` for the numbers and why.
* Title 2号 (22 pt) 方正小标宋简体, centred, followed by one blank line; the optional subtitle
  in 3号 楷体_GB2312, centred. Body 3号 仿宋_GB2312, justified, first line indented two
  characters. Headings: level 1 黑体, level 2 楷体_GB2312, level 3 仿宋_GB2312 bold, all 3号
  and indented like the body (the 公文 convention), with no extra spacing around them.
* Signature: one blank line after the text, then the issuer and the date (``2026年3月20日``)
  right-aligned. The date is 右空四字 (the rule for a sealed document, GB/T 9704 7.3.5.1); the
  issuer is centred over the date (at least 右空二字) so a seal can press on both.
* Page numbers: 4号 (14 pt) 半角宋体 digits between 一字线, ``— 1 —``; odd pages at the bottom
  right (右空一字), even pages at the bottom left (左空一字), via ``w:evenAndOddHeaders``.
  The footer sits 25.5 mm above the page edge, so the 一字线 runs about 7 mm below the 版心.

Fonts are named the way Chinese government offices have them installed (方正小标宋简体,
仿宋_GB2312, 楷体_GB2312, 黑体, 宋体); the font table lists comma-separated ``w:altName``
fallbacks (仿宋_GB2312 → 仿宋, …) plus the GB2312 charset so Word, WPS and LibreOffice pick a
close substitute on machines without them. Latin letters and digits use Times New Roman in the
body, the title font in the title and 黑体 in level-1 headings.

The paragraphs use the built-in styles Title, Subtitle, Normal and Heading 1-3 (with outline
levels 1-3), restyled to the layout above, so Word's navigation pane, LibreOffice's navigator
and PDF bookmarks see the structure.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Final, cast

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement, parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Twips
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph

from fazhi.reports import tokens
from fazhi.reports.document import (
    HEADING_1,
    HEADING_2,
    HEADING_3,
    PARAGRAPH,
    ReportDocument,
    cn_date,
)

__all__ = ["FONT_FALLBACKS", "LAYOUT", "Layout", "render_docx"]

_TWIPS_PER_MM = 1440 / 25.4


def _mm(value: float) -> int:
    """Millimetres as whole twips (1/20 pt), the unit of page size and margins in Word."""
    return round(value * _TWIPS_PER_MM)


@dataclass(frozen=True)
class Layout:
    """The page geometry and type sizes; lengths in twips (1/20 pt), font sizes in points.

    Derivation of the grid (Word stores page size and margins in whole twips):

    * page 11906 × 16838 twips (A4, Word's own values); margins 2098 / 1984 / 1587 / 1474 twips
      (37 / 35 / 28 / 26 mm), so the 版心 is 8845 × 12756 twips (156.0 × 225.0 mm).
    * line pitch: 12756 / 22 = 579.8 → 579 twips = 28.95 pt, the 固定值 28.95 磅 Word itself
      derives for 22 lines (580 would give 22 × 580 = 12760 > 12756 and only 21 lines).
      Body, headings and title use this as exact line spacing.
    * character pitch: 8845 / 28 = 315.9 twips = 15.795 pt. ``w:charSpace`` is the difference
      from the Normal font size (16 pt) in 1/4096 pt: (15.795 − 16) × 4096 = −841.3, rounded
      down to −842 so that 28 characters still fit (−841 overflows by 0.01 pt).
    * character spacing: a grid cell (15.79 pt) is narrower than a 3号 character (16 pt).
      Word squeezes one character into one cell, but LibreOffice gives such a character two
      cells (14 per line) and without the grid a 16 pt character only fits 27 times. So every
      paragraph opts out of grid snapping (``w:snapToGrid w:val="0"``; the title needs that
      anyway, 2号 characters would take two cells each) and 3号 text is set 紧缩 0.5 pt
      (``w:spacing w:val="-10"``): 28 × 15.5 pt = 434 pt fits the 442.25 pt line and
      29 × 15.5 pt = 449.5 pt does not, with margin for rounding either way. Justification
      then spreads every full line over the whole 版心, so the pitch is the grid's 15.79 pt.
      The grid stays in the file: Word's and WPS's 页面设置 show 每行 28 字、每页 22 行.
    """

    page_width: int = 11906
    page_height: int = 16838
    margin_top: int = _mm(37)
    margin_bottom: int = _mm(35)
    margin_left: int = _mm(28)
    margin_right: int = _mm(26)
    header_distance: int = _mm(15)
    #: Bottom of the page-number line above the page edge: 35 − 7 mm to the 一字线, minus
    #: ~2.5 mm from the dash down to the bottom of the 4号 line.
    footer_distance: int = _mm(25.5)
    lines_per_page: int = 22
    chars_per_line: int = 28
    line_pitch: int = 579
    char_space: int = -842
    #: 紧缩 0.5 pt (twips) on 3号 text, see the class docstring.
    body_tracking: int = -10
    title_pt: int = 22
    body_pt: int = 16
    page_number_pt: int = 14

    @property
    def text_width(self) -> int:
        return self.page_width - self.margin_left - self.margin_right

    @property
    def text_height(self) -> int:
        return self.page_height - self.margin_top - self.margin_bottom

    @property
    def char_pitch(self) -> float:
        """Width of one grid character in twips (15.794 pt × 20)."""
        return (self.body_pt + self.char_space / 4096) * 20

    def chars(self, count: float) -> int:
        """``count`` grid characters as twips (for indents)."""
        return round(count * self.char_pitch)


LAYOUT: Final = Layout()

TITLE_FONT: Final = "方正小标宋简体"
BODY_FONT: Final = "仿宋_GB2312"
KAI_FONT: Final = "楷体_GB2312"
HEI_FONT: Final = "黑体"
SONG_FONT: Final = "宋体"
LATIN_FONT: Final = "Times New Roman"

#: Font-table entries: name → (comma-separated ``w:altName`` fallbacks, ``w:family``, ``w:pitch``).
FONT_FALLBACKS: Final[dict[str, tuple[str, str, str]]] = {
    TITLE_FONT: ("华文中宋,宋体,STZhongsong,SimSun", "roman", "variable"),
    BODY_FONT: ("仿宋,FangSong", "modern", "fixed"),
    KAI_FONT: ("楷体,KaiTi", "modern", "fixed"),
    HEI_FONT: ("SimHei", "modern", "fixed"),
    SONG_FONT: ("SimSun", "auto", "variable"),
}

_GB2312_CHARSET: Final = "86"


@dataclass(frozen=True)
class _Face:
    """Run properties of one paragraph kind."""

    east_asia: str
    latin: str
    size_pt: float
    bold: bool = False
    #: ``w:spacing`` (character spacing) in twips; negative is 紧缩.
    tracking: int = 0


_TRACKING = LAYOUT.body_tracking
_TITLE = _Face(TITLE_FONT, TITLE_FONT, LAYOUT.title_pt)
_SUBTITLE = _Face(KAI_FONT, LATIN_FONT, LAYOUT.body_pt, tracking=_TRACKING)
_BODY = _Face(BODY_FONT, LATIN_FONT, LAYOUT.body_pt, tracking=_TRACKING)
_PAGE_NUMBER = _Face(SONG_FONT, SONG_FONT, LAYOUT.page_number_pt)
_HEADINGS: Final[dict[int, _Face]] = {
    HEADING_1: _Face(HEI_FONT, HEI_FONT, LAYOUT.body_pt, tracking=_TRACKING),
    HEADING_2: _Face(KAI_FONT, LATIN_FONT, LAYOUT.body_pt, tracking=_TRACKING),
    HEADING_3: _Face(BODY_FONT, LATIN_FONT, LAYOUT.body_pt, bold=True, tracking=_TRACKING),
}
#: Block level → python-docx style name.
_STYLE_FOR_LEVEL: Final[dict[int, str]] = {
    PARAGRAPH: "Normal",
    HEADING_1: "Heading 1",
    HEADING_2: "Heading 2",
    HEADING_3: "Heading 3",
}


def render_docx(document: ReportDocument) -> bytes:
    """The report as a ``.docx`` file (bytes) in the GB/T 9704 layout described above.

    One paragraph per line of :meth:`ReportDocument.text`, in the same order: title, subtitle,
    blocks, issuer, date. Blank lines are paragraph spacing, not empty paragraphs.
    """
    word = docx.Document()
    _set_up_page(word)
    _set_up_styles(word)
    _set_up_settings(word)
    _set_up_font_table(word)
    _set_up_footers(word)
    _set_core_properties(word, document)

    body = word.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):  # the template's empty paragraph
            body.remove(child)

    title = word.add_paragraph(style="Title")
    for i, line in enumerate(document.title_lines()):
        run = title.add_run()
        if i:
            run.add_break()  # 回行 after the unit's name (a line break inside the run)
        run.add_text(_xml_safe(line))
    heading = [title]
    if document.subtitle:
        heading.append(word.add_paragraph(_xml_safe(document.subtitle), style="Subtitle"))
    heading[-1].paragraph_format.space_after = Twips(LAYOUT.line_pitch)  # 空一行

    for block in document.blocks:
        style = _STYLE_FOR_LEVEL.get(block.level, "Normal")
        paragraph = word.add_paragraph(style=style)
        for segment in tokens.segments(block.text):
            run = paragraph.add_run(_xml_safe(segment.text))
            if segment.is_prompt:  # a draft's prompt: highlighted, never silent
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    _add_signature(word, document)

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# -- page ------------------------------------------------------------------------------------


def _set_up_page(word: WordDocument) -> None:
    section = word.sections[0]
    section.page_width = Twips(LAYOUT.page_width)
    section.page_height = Twips(LAYOUT.page_height)
    section.top_margin = Twips(LAYOUT.margin_top)
    section.bottom_margin = Twips(LAYOUT.margin_bottom)
    section.left_margin = Twips(LAYOUT.margin_left)
    section.right_margin = Twips(LAYOUT.margin_right)
    section.header_distance = Twips(LAYOUT.header_distance)
    section.footer_distance = Twips(LAYOUT.footer_distance)
    section.gutter = Twips(0)

    sect_pr = _child(word.element.body, "w:sectPr")
    grid = _child(sect_pr, "w:docGrid")
    for name in list(grid.attrib):
        del grid.attrib[name]
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LAYOUT.line_pitch))
    grid.set(qn("w:charSpace"), str(LAYOUT.char_space))


# -- styles ----------------------------------------------------------------------------------


def _r_pr(face: _Face, *, black: bool = True) -> str:
    """``w:rPr`` content (schema order) for ``face``; ``black`` overrides theme colours."""
    bold = "<w:b/><w:bCs/>" if face.bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    half_points = round(face.size_pt * 2)
    return (
        f'<w:rFonts w:ascii="{face.latin}" w:hAnsi="{face.latin}" '
        f'w:eastAsia="{face.east_asia}" w:cs="{face.latin}"/>'
        f"{bold}"
        + ('<w:color w:val="000000"/>' if black else "")
        + (f'<w:spacing w:val="{face.tracking}"/>' if face.tracking else "")
        + f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    )


def _p_pr(*, align: str, indent_chars: int, outline: int | None = None, keep: bool = False) -> str:
    """``w:pPr`` content (schema order): exact grid line spacing, no extra space."""
    indent = LAYOUT.chars(indent_chars)
    return (
        ("<w:keepNext/>" if keep else "")
        + '<w:widowControl w:val="0"/><w:snapToGrid w:val="0"/>'
        + f'<w:spacing w:before="0" w:after="0" w:line="{LAYOUT.line_pitch}" w:lineRule="exact"/>'
        + f'<w:ind w:firstLine="{indent}" w:firstLineChars="{indent_chars * 100}"/>'
        + f'<w:jc w:val="{align}"/>'
        + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
    )


def _restyle(style: BaseStyle, p_pr: str, r_pr: str) -> None:
    """Replace the template's paragraph and run properties of ``style`` (theme fonts,
    colours, borders, spacing) with ours. ``w:pPr`` and ``w:rPr`` end a paragraph style."""
    element = style.element
    for tag in ("w:pPr", "w:rPr"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    element.append(parse_xml(f"<w:pPr {nsdecls('w')}>{p_pr}</w:pPr>"))
    element.append(parse_xml(f"<w:rPr {nsdecls('w')}>{r_pr}</w:rPr>"))


def _set_up_styles(word: WordDocument) -> None:
    styles = word.styles
    defaults = _child(styles.element, "w:docDefaults")
    styles.element.replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>{_r_pr(_BODY, black=False)}"
            '<w:kern w:val="0"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault>"
            '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )

    _restyle(styles["Normal"], _p_pr(align="both", indent_chars=2), _r_pr(_BODY))
    _restyle(styles["Title"], _p_pr(align="center", indent_chars=0), _r_pr(_TITLE))
    _restyle(styles["Subtitle"], _p_pr(align="center", indent_chars=0), _r_pr(_SUBTITLE))
    for level, face in _HEADINGS.items():
        _restyle(
            styles[f"Heading {level}"],
            _p_pr(align="both", indent_chars=2, outline=level - 1, keep=True),
            _r_pr(face),
        )
    footer_p_pr = (
        '<w:widowControl w:val="0"/><w:snapToGrid w:val="0"/>'
        '<w:spacing w:before="0" w:after="0" w:line="240" '
        'w:lineRule="auto"/><w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
    )
    _restyle(styles["Footer"], footer_p_pr, _r_pr(_PAGE_NUMBER))


# -- settings, fonts, properties -------------------------------------------------------------


def _set_up_settings(word: WordDocument) -> None:
    word.settings.odd_and_even_pages_header_footer = True
    settings = word.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    tab = settings.find(qn("w:defaultTabStop"))
    if tab is not None:
        tab.set(qn("w:val"), str(LAYOUT.chars(2)))


def _set_up_font_table(word: WordDocument) -> None:
    """Replace the template's font table with one that also lists our fonts and fallbacks."""
    part = word.part
    old = part.part_related_by(RT.FONT_TABLE)
    fonts = parse_xml(old.blob)
    for entry in list(fonts):
        if entry.get(qn("w:name")) in FONT_FALLBACKS:
            fonts.remove(entry)
    for name, (alt_names, family, pitch) in FONT_FALLBACKS.items():
        fonts.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt_names}"/>'
                f'<w:charset w:val="{_GB2312_CHARSET}"/><w:family w:val="{family}"/>'
                f'<w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    for r_id, rel in list(part.rels.items()):
        if rel.reltype == RT.FONT_TABLE:
            part.drop_rel(r_id)
    part.relate_to(XmlPart(old.partname, old.content_type, fonts, part.package), RT.FONT_TABLE)


def _set_core_properties(word: WordDocument, document: ReportDocument) -> None:
    props = word.core_properties
    props.title = _xml_safe(document.title)[:255]  # the core-properties limit
    props.subject = _xml_safe(document.subtitle)[:255]
    props.author = _xml_safe(document.issuer)[:255]
    props.last_modified_by = _xml_safe(document.issuer)[:255]
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = "zh-CN"
    props.revision = 1
    if document.issued_on is not None:
        stamp = dt.datetime.combine(document.issued_on, dt.time(), tzinfo=dt.UTC)
    else:
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    props.created = stamp
    props.modified = stamp


# -- footers ---------------------------------------------------------------------------------


def _set_up_footers(word: WordDocument) -> None:
    section = word.sections[0]
    one_char = LAYOUT.page_number_pt * 20  # 一字 of the 4号 page number
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.style = word.styles["Footer"]
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Twips(0)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Twips(one_char)  # 单页码居右空一字
        else:
            fmt.left_indent = Twips(one_char)  # 双页码居左空一字
        _add_page_number(paragraph)


def _add_page_number(paragraph: Paragraph) -> None:
    """``— {PAGE} —`` as runs: text, a complex PAGE field, text."""
    _styled_run(paragraph, "— ")
    _field_char(paragraph, "begin")
    instr = _styled_run(paragraph, "")
    code = _new("w:instrText")
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    code.text = " PAGE "
    instr.append(code)
    _field_char(paragraph, "separate")
    _styled_run(paragraph, "1")
    _field_char(paragraph, "end")
    _styled_run(paragraph, " —")


def _styled_run(paragraph: Paragraph, text: str) -> BaseOxmlElement:
    run = paragraph.add_run(text)
    element = run.element
    element.insert(0, parse_xml(f"<w:rPr {nsdecls('w')}>{_r_pr(_PAGE_NUMBER)}</w:rPr>"))
    return element


def _field_char(paragraph: Paragraph, kind: str) -> None:
    fld = _new("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    _styled_run(paragraph, "").append(fld)


# -- signature -------------------------------------------------------------------------------


def _width_in_chars(text: str) -> float:
    """Printed width in grid characters: CJK and full-width 1, ASCII/Latin ½."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _add_signature(word: WordDocument, document: ReportDocument) -> None:
    date = cn_date(document.issued_on) if document.issued_on else ""
    date_indent = 4.0  # 成文日期右空四字
    lines: list[tuple[str, float]] = []
    if document.issuer:
        # Centred over the date, but never closer than 右空二字 to the margin.
        centred = date_indent + (_width_in_chars(date) - _width_in_chars(document.issuer)) / 2
        lines.append((document.issuer, max(centred, 2.0) if date else 2.0))
    if date:
        lines.append((date, date_indent))
    for index, (text, right_chars) in enumerate(lines):
        fmt = word.add_paragraph(_xml_safe(text), style="Normal").paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.first_line_indent = Twips(0)
        fmt.right_indent = Twips(round(right_chars * LAYOUT.char_pitch))
        if index == 0:
            fmt.space_before = Twips(LAYOUT.line_pitch)  # 正文下空一行
        _drop_char_indents(fmt.element)


def _drop_char_indents(p: BaseOxmlElement) -> None:
    """Remove the style's ``*Chars`` indents on this paragraph (they win over twips in Word)."""
    p_pr = _child(p, "w:pPr")
    _child(p_pr, "w:ind").set(qn("w:firstLineChars"), "0")


# -- xml helpers -----------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold (pasted from elsewhere)."""
    return _NOT_XML.sub("", text)


def _new(tag: str) -> BaseOxmlElement:
    return cast(BaseOxmlElement, OxmlElement(tag))


def _child(parent: BaseOxmlElement, tag: str) -> BaseOxmlElement:
    """The first ``tag`` child of ``parent``; the template guarantees it exists."""
    found = parent.find(qn(tag))
    if found is None:
        raise LookupError(f"{tag} 缺失")
    return cast(BaseOxmlElement, found)
