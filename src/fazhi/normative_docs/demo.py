"""Demo data for the 规范性文件 register (filled in below)."""

from __future__ import annotations

from fazhi.demo.generator import CountyContext
from fazhi.demo.scale import ScaleContext

NAME = "normative_docs"


def fill(ctx: CountyContext) -> int:
    return 0


def seed(ctx: ScaleContext) -> int:
    return 0
