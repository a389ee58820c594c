"""What the 执法数据 register tells the apps built on it, without importing them.

``inspections_loaded`` is sent by the ingest inside the batch's transaction, after the
batch's rows are visible in that transaction, when the batch held 涉企 inspections. Keyword
arguments: ``codes`` (the enterprises' credit codes), ``start`` and ``end`` (the first and last
inspection day of the batch) and ``unit`` (the importing unit, whose province's rules apply).
A receiver that raises refuses the whole batch. ``enforcement_oversight`` connects its stored
涉企重复检查 alerts (``alerts_refresh``) in its ``AppConfig.ready``.
"""

from __future__ import annotations

from django.dispatch import Signal

inspections_loaded = Signal()
