"""Every audit action of the register reads in Chinese (core/audit_display derives the names
from the app and the workflow's labels; nothing was added by hand)."""

from __future__ import annotations

import pytest

from fazhi.core.audit_display import action_label, object_type_label


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("legality.register", "合法性审查·登记"),
        ("legality.return", "合法性审查·退回补充"),
        ("legality.supplement", "合法性审查·收到补充材料"),
        ("legality.start", "合法性审查·开始审查"),
        ("legality.conclude", "合法性审查·审查完成"),
        ("legality.adopt", "合法性审查·登记意见采纳情况"),
        ("legality.sweep", "合法性审查·每日期限检查"),
    ],
)
def test_action_names(code: str, label: str) -> None:
    assert action_label(code) == label


def test_object_name() -> None:
    assert object_type_label("legality.review") == "合法性审查"
