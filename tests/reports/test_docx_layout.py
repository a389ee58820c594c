"""The Word rendering of a report: GB/T 9704 page, fonts, grid, footers, read back from the file.

Expected numbers are written out here from the standard (mm, 号), not taken from
``fazhi.reports.docx.LAYOUT``, so a wrong constant there fails these tests.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, Twips
from docx.text.paragraph import Paragraph
from lxml import etree

from fazhi.reports.document import (
    HEADING_1,
    HEADING_2,
    HEADING_3,
    PARAGRAPH,
    Block,
    ReportDocument,
)
from fazhi.reports.docx import render_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

PARTS = [
    "一、主要举措和成效",
    "二、存在的不足和原因",
    "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    "四、下一年度推进法治政府建设的主要安排",
    "五、其他需要报告的事项",
]


def sample_report(subtitle: str = "") -> ReportDocument:
    blocks = [
        Block(PARAGRAPH, "2025年，全县行政复议纠错率下降12.5%，行政诉讼败诉率为0%。"),
    ]
    for number, part in enumerate(PARTS, start=1):
        blocks.append(Block(HEADING_1, part))
        blocks.append(Block(HEADING_2, "（一）健全依法决策机制"))
        blocks.append(Block(HEADING_3, "1.落实合法性审核"))
        blocks.append(
            Block(
                PARAGRAPH,
                f"全年审核规范性文件{number * 7}件，审核率100%，"
                "同比提高3.5个百分点，English text 与数字混排。" * 3,
            )
        )
        blocks.append(Block(HEADING_2, "（二）规范行政执法"))
        blocks.append(Block(PARAGRAPH, f"第{number}部分的另一段正文。"))
    return ReportDocument(
        title="某某县人民政府关于2025年度法治政府建设情况的报告",
        blocks=tuple(blocks),
        issuer="某某县人民政府",
        issued_on=dt.date(2026, 3, 20),
        subtitle=subtitle,
    )


@pytest.fixture(scope="module")
def report() -> ReportDocument:
    return sample_report()


@pytest.fixture(scope="module")
def data(report: ReportDocument) -> bytes:
    return render_docx(report)


@pytest.fixture(scope="module")
def word(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def part_xml(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


# -- effective formatting: direct → style chain → document defaults ------------------------


def _style_chain(word: WordDocument, paragraph: Paragraph) -> list[Any]:
    chain = []
    style = paragraph.style
    while style is not None:
        chain.append(style.element)
        style = style.base_style
    if paragraph.style is None:
        chain.append(word.styles["Normal"].element)
    return chain


def effective(
    word: WordDocument, paragraph: Paragraph, kind: str, lookup: Callable[[Any], Any]
) -> Any:
    """First non-None ``lookup(pPr or rPr)`` along direct formatting, styles and defaults."""
    containers: list[Any] = []
    if kind == "rPr":
        containers += [run.element.find(qn("w:rPr")) for run in paragraph.runs]
    containers.append(paragraph._p.find(qn("w:pPr")))
    containers += [style.find(qn(f"w:{kind}")) for style in _style_chain(word, paragraph)]
    defaults = word.styles.element.find(qn("w:docDefaults"))
    containers.append(defaults.find(f"w:{kind}Default/w:{kind}", NS))
    for container in containers:
        if container is None:
            continue
        value = lookup(container)
        if value is not None:
            return value
    return None


def attr(path: str, name: str) -> Callable[[Any], Any]:
    def lookup(container: Any) -> Any:
        element = container.find(path, NS)
        return None if element is None else element.get(qn(f"w:{name}"))

    return lookup


def east_asia_font(word: WordDocument, paragraph: Paragraph) -> str:
    return str(effective(word, paragraph, "rPr", attr("w:rFonts", "eastAsia")))


def latin_font(word: WordDocument, paragraph: Paragraph) -> str:
    return str(effective(word, paragraph, "rPr", attr("w:rFonts", "ascii")))


def size_pt(word: WordDocument, paragraph: Paragraph) -> float:
    return int(effective(word, paragraph, "rPr", attr("w:sz", "val"))) / 2


def is_bold(word: WordDocument, paragraph: Paragraph) -> bool:
    def lookup(container: Any) -> Any:
        bold = container.find("w:b", NS)
        if bold is None:
            return None
        return bold.get(qn("w:val"), "true") not in ("0", "false")

    return bool(effective(word, paragraph, "rPr", lookup))


def alignment(word: WordDocument, paragraph: Paragraph) -> str:
    return str(effective(word, paragraph, "pPr", attr("w:jc", "val")))


def first_line_twips(word: WordDocument, paragraph: Paragraph) -> int:
    return int(effective(word, paragraph, "pPr", attr("w:ind", "firstLine")) or 0)


def line_spacing(word: WordDocument, paragraph: Paragraph) -> tuple[str, int]:
    rule = effective(word, paragraph, "pPr", attr("w:spacing", "lineRule"))
    line = effective(word, paragraph, "pPr", attr("w:spacing", "line"))
    return str(rule), int(line)


def spacing_twips(word: WordDocument, paragraph: Paragraph, side: str) -> int:
    return int(effective(word, paragraph, "pPr", attr("w:spacing", side)) or 0)


def paragraphs_by_style(word: WordDocument, style: str) -> list[Paragraph]:
    return [p for p in word.paragraphs if p.style is not None and p.style.name == style]


# -- page --------------------------------------------------------------------------------------


def test_page_is_a4_with_gbt9704_margins(word: WordDocument) -> None:
    section = word.sections[0]
    measured = {
        "page_width": section.page_width,
        "page_height": section.page_height,
        "top_margin": section.top_margin,
        "bottom_margin": section.bottom_margin,
        "left_margin": section.left_margin,
        "right_margin": section.right_margin,
    }
    expected_mm = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for name, mm in expected_mm.items():
        value = measured[name]
        assert value is not None, name
        assert value.mm == pytest.approx(mm, abs=0.1), name
    assert section.gutter == 0


def test_type_area_is_156_by_225_mm(word: WordDocument) -> None:
    s = word.sections[0]
    assert s.page_width and s.left_margin and s.right_margin
    assert s.page_height and s.top_margin and s.bottom_margin
    assert Emu(s.page_width - s.left_margin - s.right_margin).mm == pytest.approx(156, abs=0.1)
    assert Emu(s.page_height - s.top_margin - s.bottom_margin).mm == pytest.approx(225, abs=0.1)


def test_document_grid_is_22_lines_of_28_characters(word: WordDocument) -> None:
    s = word.sections[0]
    grid = word.element.body.find("w:sectPr/w:docGrid", NS)
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch = int(grid.get(qn("w:linePitch")))
    char_space = int(grid.get(qn("w:charSpace")))
    assert (line_pitch, char_space) == (579, -842)

    assert s.page_width and s.left_margin and s.right_margin
    assert s.page_height and s.top_margin and s.bottom_margin
    text_height = Emu(s.page_height - s.top_margin - s.bottom_margin).twips
    text_width_pt = Emu(s.page_width - s.left_margin - s.right_margin).pt
    # 22 lines fit the 版心, a 23rd does not.
    assert 22 * line_pitch <= text_height < 23 * line_pitch
    # charSpace is the delta from the 16 pt Normal size in 1/4096 pt: 28 cells fit, 29 don't,
    # and it is the largest value for which 28 fit.
    pitch = 16 + char_space / 4096
    assert 28 * pitch <= text_width_pt < 29 * pitch
    assert 28 * (16 + (char_space + 1) / 4096) > text_width_pt


# -- text ----------------------------------------------------------------------------------


def test_paragraph_texts_are_the_document_lines_in_order(
    word: WordDocument, report: ReportDocument
) -> None:
    texts = [line for p in word.paragraphs for line in p.text.split("\n")]
    assert texts == report.text().splitlines()
    # the long title breaks after the unit's name (a line break inside the title paragraph)
    assert word.paragraphs[0].text == "某某县人民政府\n关于2025年度法治政府建设情况的报告"
    assert texts[-2:] == ["某某县人民政府", "2026年3月20日"]
    assert [t for t in texts if t in PARTS] == PARTS


def test_paragraph_styles_follow_block_levels(word: WordDocument, report: ReportDocument) -> None:
    names = [p.style.name if p.style else None for p in word.paragraphs]
    expected = ["Title"] + [
        {
            PARAGRAPH: "Normal",
            HEADING_1: "Heading 1",
            HEADING_2: "Heading 2",
            HEADING_3: "Heading 3",
        }[b.level]
        for b in report.blocks
    ]
    assert names[: len(expected)] == expected
    assert names[len(expected) :] == ["Normal", "Normal"]  # issuer, date


def test_heading_styles_carry_outline_levels(word: WordDocument) -> None:
    for level in (1, 2, 3):
        style = word.styles[f"Heading {level}"]
        outline = style.element.find("w:pPr/w:outlineLvl", NS)
        assert outline is not None and outline.get(qn("w:val")) == str(level - 1)
    assert word.styles["Normal"].element.find("w:pPr/w:outlineLvl", NS) is None


# -- title ---------------------------------------------------------------------------------


def test_title_is_22pt_fangzheng_xiaobiaosong_centred_with_a_blank_line(
    word: WordDocument,
) -> None:
    title = word.paragraphs[0]
    assert title.style is not None and title.style.name == "Title"
    assert east_asia_font(word, title) == "方正小标宋简体"
    assert size_pt(word, title) == 22
    assert alignment(word, title) == "center"
    assert title.paragraph_format.alignment in (None, WD_ALIGN_PARAGRAPH.CENTER)
    assert first_line_twips(word, title) == 0
    assert not is_bold(word, title)
    # 空一行: one grid line (28.95 pt) of space after, and nothing before the first heading.
    assert spacing_twips(word, title, "after") == 579
    assert spacing_twips(word, word.paragraphs[1], "before") == 0


def test_subtitle_is_centred_kaiti_and_takes_the_blank_line() -> None:
    report = sample_report(subtitle="（2026年3月20日）")
    word = docx.Document(io.BytesIO(render_docx(report)))
    title, subtitle = word.paragraphs[0], word.paragraphs[1]
    assert subtitle.text == "（2026年3月20日）"
    assert east_asia_font(word, subtitle) == "楷体_GB2312"
    assert size_pt(word, subtitle) == 16
    assert alignment(word, subtitle) == "center"
    assert spacing_twips(word, title, "after") == 0
    assert spacing_twips(word, subtitle, "after") == 579
    assert [x for p in word.paragraphs for x in p.text.split("\n")] == report.text().splitlines()


# -- body and headings ---------------------------------------------------------------------


def test_body_is_16pt_fangsong_exact_28_95pt_lines_indented_two_characters(
    word: WordDocument,
) -> None:
    body = paragraphs_by_style(word, "Normal")[:-2]  # without the signature
    assert len(body) == 11
    for paragraph in body:
        assert east_asia_font(word, paragraph) == "仿宋_GB2312"
        assert latin_font(word, paragraph) == "Times New Roman"
        assert size_pt(word, paragraph) == 16
        assert alignment(word, paragraph) == "both"
        assert line_spacing(word, paragraph) == ("exact", 579)
        # Two characters of the 15.79 pt grid pitch.
        assert Twips(first_line_twips(word, paragraph)).pt == pytest.approx(31.59, abs=0.05)
        assert not is_bold(word, paragraph)
    fmt = word.styles["Normal"].paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing == Pt(28.95)
    assert (
        word.styles["Normal"].element.find("w:pPr/w:ind", NS).get(qn("w:firstLineChars")) == "200"
    )


def test_body_tracking_makes_exactly_28_characters_fit_a_line(word: WordDocument) -> None:
    """Without snapping to the grid a 16 pt character is too wide for 28 per 156 mm line."""
    s = word.sections[0]
    assert s.page_width and s.left_margin and s.right_margin
    width_pt = Emu(s.page_width - s.left_margin - s.right_margin).pt
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        element = word.styles[name].element
        assert element.find("w:pPr/w:snapToGrid", NS).get(qn("w:val")) == "0", name
        tracking = int(element.find("w:rPr/w:spacing", NS).get(qn("w:val"))) / 20
        advance = 16 + tracking
        assert 28 * advance <= width_pt < 29 * advance, name


HEADING_FACES = {
    HEADING_1: ("黑体", False),
    HEADING_2: ("楷体_GB2312", False),
    HEADING_3: ("仿宋_GB2312", True),
}


@pytest.mark.parametrize("level", [HEADING_1, HEADING_2, HEADING_3])
def test_heading_fonts_per_level(word: WordDocument, level: int) -> None:
    font, bold = HEADING_FACES[level]
    headings = paragraphs_by_style(word, f"Heading {level}")
    assert headings, level
    for heading in headings:
        assert east_asia_font(word, heading) == font
        assert size_pt(word, heading) == 16
        assert is_bold(word, heading) is bold
        assert line_spacing(word, heading) == ("exact", 579)
        assert first_line_twips(word, heading) == first_line_twips(word, word.paragraphs[1])
        assert spacing_twips(word, heading, "before") == 0
        assert spacing_twips(word, heading, "after") == 0
        assert alignment(word, heading) == "both"


def test_styles_have_no_theme_fonts_or_colours_left(data: bytes) -> None:
    """Theme attributes (asciiTheme, eastAsiaTheme, themeColor) would override our fonts."""
    styles = part_xml(data, "word/styles.xml")
    used = ["Normal", "Title", "Subtitle", "Heading1", "Heading2", "Heading3", "Footer"]
    for style_id in used:
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        fonts = style.find("w:rPr/w:rFonts", NS)
        assert fonts is not None, style_id
        assert not [a for a in fonts.attrib if "Theme" in a or "theme" in a], style_id
        color = style.find("w:rPr/w:color", NS)
        assert color is not None and color.get(qn("w:val")) == "000000", style_id
        assert color.get(qn("w:themeColor")) is None
        assert style.find("w:pPr/w:pBdr", NS) is None, style_id
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find("w:lang", NS).get(qn("w:eastAsia")) == "zh-CN"


# -- signature -----------------------------------------------------------------------------


def test_signature_is_right_aligned_after_a_blank_line(word: WordDocument) -> None:
    issuer, date = word.paragraphs[-2], word.paragraphs[-1]
    assert (issuer.text, date.text) == ("某某县人民政府", "2026年3月20日")
    for paragraph in (issuer, date):
        assert paragraph.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert paragraph.paragraph_format.first_line_indent == 0
        assert east_asia_font(word, paragraph) == "仿宋_GB2312"
        assert size_pt(word, paragraph) == 16
        ind = paragraph._p.find("w:pPr/w:ind", NS)
        assert ind.get(qn("w:firstLineChars")) == "0"  # else the style's 2 chars win in Word
    assert spacing_twips(word, issuer, "before") == 579
    assert spacing_twips(word, date, "before") == 0
    # 成文日期右空四字 (4 × 15.79 pt); the issuer is centred over the date.
    date_indent = date.paragraph_format.right_indent
    issuer_indent = issuer.paragraph_format.right_indent
    assert date_indent is not None and issuer_indent is not None
    assert date_indent.pt == pytest.approx(4 * 15.794, abs=0.1)
    # date 6.5 characters wide (digits are half width), issuer 7: centred → 4 − 0.25 characters.
    assert issuer_indent.pt == pytest.approx(3.75 * 15.794, abs=0.1)


def test_no_signature_without_issuer_and_date() -> None:
    report = ReportDocument(title="标题", blocks=(Block(PARAGRAPH, "正文。"), Block(9, "未知级别")))
    word = docx.Document(io.BytesIO(render_docx(report)))
    assert [p.text for p in word.paragraphs] == ["标题", "正文。", "未知级别"]
    assert [p.style.name if p.style else None for p in word.paragraphs] == [
        "Title",
        "Normal",
        "Normal",
    ]


def test_long_issuer_keeps_two_characters_from_the_margin() -> None:
    report = ReportDocument(
        title="标题",
        blocks=(Block(PARAGRAPH, "正文。"),),
        issuer="某某县全面依法治县委员会办公室",
        issued_on=dt.date(2026, 3, 20),
    )
    word = docx.Document(io.BytesIO(render_docx(report)))
    indent = word.paragraphs[-2].paragraph_format.right_indent
    assert indent is not None and indent.pt == pytest.approx(2 * 15.794, abs=0.1)


# -- page numbers --------------------------------------------------------------------------


def test_even_and_odd_footers_are_enabled(word: WordDocument, data: bytes) -> None:
    assert word.settings.odd_and_even_pages_header_footer is True
    settings = part_xml(data, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    refs = word.element.body.findall("w:sectPr/w:footerReference", NS)
    assert sorted(ref.get(qn("w:type")) for ref in refs) == ["default", "even"]
    section = word.sections[0]
    assert section.footer_distance is not None
    # The 一字线 about 7 mm below the 版心 (35 mm): the footer line's bottom at 25.5 mm.
    assert section.footer_distance.mm == pytest.approx(25.5, abs=0.1)


@pytest.mark.parametrize(
    ("which", "align", "side"),
    [
        ("footer", WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        ("even_page_footer", WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ],
)
def test_page_number_footer(word: WordDocument, which: str, align: Any, side: str) -> None:
    footer = getattr(word.sections[0], which)
    assert not footer.is_linked_to_previous
    (paragraph,) = footer.paragraphs
    fmt = paragraph.paragraph_format
    assert fmt.alignment == align
    # 单页码右空一字 / 双页码左空一字: one 14 pt character.
    indent = fmt.right_indent if side == "right" else fmt.left_indent
    other = fmt.left_indent if side == "right" else fmt.right_indent
    assert indent is not None and indent.pt == pytest.approx(14, abs=0.05)
    assert not other
    assert Twips(first_line_twips(word, paragraph)).pt == 0

    p = paragraph._p
    kinds = [f.get(qn("w:fldCharType")) for f in p.iterfind(".//w:fldChar", NS)]
    assert kinds == ["begin", "separate", "end"]
    instructions = [t.text.strip() for t in p.iterfind(".//w:instrText", NS)]
    assert instructions == ["PAGE"]
    assert paragraph.text == "— 1 —"  # U+2014 一字线 around the number
    runs = p.findall("w:r", NS)
    assert len(runs) == 7
    for run in runs:
        assert run.find("w:rPr/w:sz", NS).get(qn("w:val")) == "28"  # 4号
        fonts = run.find("w:rPr/w:rFonts", NS)
        assert fonts.get(qn("w:ascii")) == "宋体"  # 半角宋体 digits
        assert fonts.get(qn("w:eastAsia")) == "宋体"


# -- fonts and properties ------------------------------------------------------------------


def test_font_table_lists_fallbacks(data: bytes) -> None:
    fonts = part_xml(data, "word/fontTable.xml")
    expected = {
        "方正小标宋简体": {"华文中宋", "宋体"},
        "仿宋_GB2312": {"仿宋"},
        "楷体_GB2312": {"楷体"},
        "黑体": {"SimHei"},
        "宋体": {"SimSun"},
    }
    entries = {f.get(qn("w:name")): f for f in fonts.findall("w:font", NS)}
    for name, fallbacks in expected.items():
        entry = entries[name]
        alt = entry.find("w:altName", NS).get(qn("w:val"))
        names = {n.strip() for n in alt.split(",")}
        assert fallbacks <= names, name
        assert name not in names
        assert entry.find("w:charset", NS).get(qn("w:val")) == "86"  # GB2312
    assert "Times New Roman" in entries
    # Only one entry per name (the template's own entries are kept once).
    names = [f.get(qn("w:name")) for f in fonts.findall("w:font", NS)]
    assert len(names) == len(set(names))


def test_every_font_used_is_in_the_font_table(data: bytes) -> None:
    fonts = part_xml(data, "word/fontTable.xml")
    listed = {f.get(qn("w:name")) for f in fonts.findall("w:font", NS)}
    used: set[str] = set()
    for name in ("word/styles.xml", "word/footer1.xml", "word/footer2.xml"):
        for element in part_xml(data, name).iterfind(".//w:rFonts", NS):
            for key in ("ascii", "hAnsi", "eastAsia"):
                value = element.get(qn(f"w:{key}"))
                if value:
                    used.add(value)
    assert {"方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体"} <= used
    assert used <= listed


def test_core_properties_and_language(word: WordDocument, data: bytes) -> None:
    props = word.core_properties
    assert props.title == "某某县人民政府关于2025年度法治政府建设情况的报告"
    assert props.author == "某某县人民政府"
    assert props.language == "zh-CN"
    assert props.comments == ""  # not the template's "generated by python-docx"
    assert props.created == dt.datetime(2026, 3, 20, tzinfo=dt.UTC)
    settings = part_xml(data, "word/settings.xml")
    assert settings.find("w:themeFontLang", NS).get(qn("w:eastAsia")) == "zh-CN"


def test_control_characters_are_dropped() -> None:
    report = ReportDocument(
        title="标题\x0b",
        blocks=(Block(PARAGRAPH, "正文\x07含控制字符\x1f。"),),
        issuer="某某局\x00",
    )
    word = docx.Document(io.BytesIO(render_docx(report)))
    assert [p.text for p in word.paragraphs] == ["标题", "正文含控制字符。", "某某局"]
    assert word.core_properties.title == "标题"


def test_a_short_title_stays_on_one_line() -> None:
    short = ReportDocument(title="某某局2025年法治政府建设报告", blocks=(), issuer="某某局")
    assert short.title_lines() == ["某某局2025年法治政府建设报告"]
    word = docx.Document(io.BytesIO(render_docx(short)))
    assert word.paragraphs[0].text == "某某局2025年法治政府建设报告"
    other = ReportDocument(
        title="关于某某县2025年度法治政府建设情况的报告", blocks=(), issuer="某某局"
    )
    assert other.title_lines() == [other.title]  # not the issuer's name first: no break
