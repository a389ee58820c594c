"""The Word file opens in LibreOffice: text in order, A4 pages, 22 lines × 28 characters, page
numbers. Converts with ``soffice --headless`` in its own profile directory.

Skipped when LibreOffice is not installed, unless ``FAZHI_REQUIRE_LIBREOFFICE=1`` (set by
``.ci/run``), which turns the skip into a failure. The PDF text checks use poppler's
``pdftotext``/``pdfinfo`` when present.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from fazhi.reports.document import (
    HEADING_1,
    HEADING_2,
    HEADING_3,
    PARAGRAPH,
    Block,
    ReportDocument,
)
from fazhi.reports.docx import render_docx

TIMEOUT = 120  # the first start of a fresh profile takes 10-20 s
A4_PT = (595.28, 841.89)

PARTS = [
    "一、主要举措和成效",
    "二、存在的不足和原因",
    "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    "四、下一年度推进法治政府建设的主要安排",
    "五、其他需要报告的事项",
]
#: A long paragraph of plain 汉字 (no punctuation, no Latin) that fills whole pages: every
#: line but the first and last must be exactly 28 characters, every full page 22 lines.
FILLER = "依法行政建设法治政府" * 150


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def report() -> ReportDocument:
    blocks: list[Block] = []
    for number, part in enumerate(PARTS, start=1):
        blocks.append(Block(HEADING_1, part))
        blocks.append(Block(HEADING_2, "（一）健全依法决策机制"))
        blocks.append(Block(HEADING_3, "1.落实合法性审核"))
        blocks.append(
            Block(PARAGRAPH, f"第{number}部分：全年审核规范性文件{number * 7}件，审核率100%。")
        )
    blocks.append(Block(PARAGRAPH, FILLER))
    return ReportDocument(
        title="某某县人民政府关于2025年度法治政府建设情况的报告",
        blocks=tuple(blocks),
        issuer="某某县人民政府",
        issued_on=dt.date(2026, 3, 20),
    )


@dataclass(frozen=True)
class Converted:
    report: ReportDocument
    text: str
    pdf: Path


def _convert(soffice: str, source: Path, target: str, workdir: Path) -> Path:
    out = workdir / target.split(":")[0]
    command = [
        soffice,
        f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        str(source),
    ]
    env = {**os.environ, "HOME": str(workdir)}
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"LibreOffice 转换超时（{TIMEOUT} 秒）：{' '.join(command)}")
    produced = out / (source.stem + "." + target.split(":")[0])
    if result.returncode != 0 or not produced.exists():
        pytest.fail(
            f"LibreOffice 转换失败（退出码 {result.returncode}）：\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return produced


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    soffice = libreoffice()
    if soffice is None:
        if os.environ.get("FAZHI_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("FAZHI_REQUIRE_LIBREOFFICE=1，但未找到 soffice/libreoffice 命令")
        pytest.skip(
            "未安装 LibreOffice，跳过 Word 文件的 LibreOffice 转换检查"
            "（apt-get install libreoffice-writer-nogui）"
        )
    workdir = tmp_path_factory.mktemp("libreoffice")
    doc = report()
    source = workdir / "report.docx"
    source.write_bytes(render_docx(doc))
    text_file = _convert(soffice, source, "txt:Text (encoded):UTF8", workdir)
    pdf = _convert(soffice, source, "pdf", workdir)
    return Converted(doc, text_file.read_text(encoding="utf-8-sig"), pdf)


def pdftotext(pdf: Path, *args: str) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("未安装 pdftotext（poppler-utils），跳过 PDF 文字检查")
    result = subprocess.run(
        ["pdftotext", *args, str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_text_export_has_every_paragraph_in_order(converted: Converted) -> None:
    lines = [line.strip() for line in converted.text.splitlines() if line.strip()]
    assert lines == converted.report.text().splitlines()
    assert lines[:2] == ["某某县人民政府", "关于2025年度法治政府建设情况的报告"]
    positions = [lines.index(part) for part in PARTS]
    assert positions == sorted(positions)
    assert "第3部分：全年审核规范性文件21件，审核率100%。" in lines
    assert lines[-2:] == ["某某县人民政府", "2026年3月20日"]


def test_pdf_pages_are_a4(converted: Converted) -> None:
    data = converted.pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 2  # the filler paragraph runs over several pages
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(converted.pdf)], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        count = re.search(r"^Pages:\s+(\d+)", info, re.M)
        assert count is not None and int(count.group(1)) == pages
        size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
        assert size is not None
        sizes = [(float(size.group(1)), float(size.group(2)))]
    else:
        boxes = re.findall(
            rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data
        )
        assert boxes
        sizes = [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]
    for width, height in sizes:
        assert width == pytest.approx(A4_PT[0], abs=1)
        assert height == pytest.approx(A4_PT[1], abs=1)


def test_pdf_has_outside_page_numbers(converted: Converted) -> None:
    pages = pdftotext(converted.pdf).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        flat = re.sub(r"\s+", " ", page)
        assert re.search(rf"—\s*{number}\s*—", flat), (number, flat[-80:])
    # Odd numbers at the right, even at the left of the page: the lowest word on the page.
    for number in (1, 2):
        bbox = pdftotext(converted.pdf, "-bbox", "-f", str(number), "-l", str(number))
        words = [
            (float(y_min), float(x_min), float(x_max), text)
            for x_min, y_min, x_max, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)<', bbox
            )
        ]
        y_bottom, x_min, x_max, _ = max(w for w in words if w[3] == str(number))
        assert y_bottom > A4_PT[1] - 35 / 25.4 * 72  # below the 版心
        if number % 2:
            assert x_min > A4_PT[0] * 0.75
        else:
            assert x_max < A4_PT[0] * 0.25


def test_full_pages_hold_22_lines_of_28_characters(converted: Converted) -> None:
    """GB/T 9704: 每面排22行，每行排28个字 — checked on the pages the filler paragraph fills."""
    pages = [page for page in pdftotext(converted.pdf).split("\f") if page.strip()]
    full_pages = 0
    for page in pages:
        lines = [re.sub(r"\s+", "", line) for line in page.splitlines()]
        lines = [line for line in lines if line and not re.fullmatch(r"—\d+—", line)]
        if lines and all(line in FILLER for line in lines):
            full_pages += 1
            assert len(lines) == 22
            assert {len(line) for line in lines} == {28}
    assert full_pages >= 1
    # The filler's first line (indented two characters) also holds 28 − 2.
    first = next(
        re.sub(r"\s+", "", line)
        for page in pages
        for line in page.splitlines()
        if re.sub(r"\s+", "", line).startswith("依法行政建设法治政府依法")
    )
    assert len(first) == 26
