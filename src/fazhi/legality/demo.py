"""Demo data for the 合法性审查 register (filled in below)."""

from __future__ import annotations

from fazhi.demo.generator import CountyContext
from fazhi.demo.scale import ScaleContext

NAME = "legality"


def fill(ctx: CountyContext) -> int:
    return 0


def seed(ctx: ScaleContext) -> int:
    return 0
