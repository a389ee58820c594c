"""A report as HTML blocks: the same text as the .docx, figures linked to their records inside
the platform (with their provenance as a tooltip), plain on the public portal."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from fazhi.reports import tokens
from fazhi.reports.document import HEADING_1, PARAGRAPH, blocks_from_text
from fazhi.reports.models import AnnualReport, ReportFigure, ReportPart


@dataclass(frozen=True)
class HtmlBlock:
    level: int
    html: SafeString


def _figure_link(figure: ReportFigure | None, code: str) -> str:
    if figure is None:
        return str(format_html('<mark class="missing">{}</mark>', tokens.MISSING.format(code=code)))
    title = (
        f"{figure.name}（{figure.code}，口径{figure.version}版，"
        f"{timezone.localtime(figure.computed_at):%Y-%m-%d %H:%M} 计算）"
    )
    if not figure.drill_url:
        return str(escape(figure.display))
    return str(
        format_html(
            '<a class="figure" href="{}" title="{}" data-code="{}">{}</a>',
            figure.drill_url,
            title,
            figure.code,
            figure.display,
        )
    )


def html_blocks(
    report: AnnualReport,
    parts: list[ReportPart],
    figures: list[ReportFigure],
    *,
    links: bool,
    public: bool = False,
) -> list[HtmlBlock]:
    """The report's blocks as HTML; prompts are highlighted (``<mark class="prompt">``), or
    left out with ``public`` (the portal: a published report has none, see services)."""
    by_code = {f.code: f for f in figures}

    def replace(code: str) -> str:
        figure = by_code.get(code)
        if links:
            return _figure_link(figure, code)
        return str(escape(figure.display if figure else tokens.MISSING.format(code=code)))

    def line_html(text: str) -> SafeString:
        html = "".join(
            str(format_html('<mark class="prompt" title="待填写的提示">{}</mark>', s.text))
            if s.is_prompt
            else tokens.render_with(s.text, replace, lambda t: str(escape(t)))
            for s in tokens.segments(text)
        )
        return mark_safe(html)

    def text(body: str) -> str:
        return tokens.without_prompts(body) if public else body

    out: list[HtmlBlock] = []
    for line in text(report.preamble).splitlines():
        if line.strip():
            out.append(HtmlBlock(PARAGRAPH, line_html(line.strip())))
    for part in parts:
        out.append(HtmlBlock(HEADING_1, mark_safe(escape(part.heading))))
        # Headings are found on the text with tokens in it (a token never starts a line).
        for block in blocks_from_text(text(part.body)):
            out.append(HtmlBlock(block.level, line_html(block.text)))
    return out
