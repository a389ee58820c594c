"""`fazhi seed` names each register filler by its module's ``LABEL`` (no list in the demo app)."""

from __future__ import annotations

import importlib

from fazhi.demo.generator import county_fillers
from fazhi.demo.text import filler_label


def test_every_kit_filler_has_a_chinese_label() -> None:
    labels = {name: filler_label(name) for name, _ in county_fillers()}
    assert labels["reconsideration"] == "行政复议案件"
    assert labels["legality"] == "合法性审查事项"
    assert labels["normative_docs"] == "规范性文件"
    for name, fill in county_fillers():
        assert labels[name] == importlib.import_module(fill.__module__).LABEL
        assert labels[name] != name


def test_an_unknown_filler_is_named_by_itself() -> None:
    assert filler_label("nope") == "nope"
