"""审查人员 as text: “张三（法律顾问）、李四、王五（公职律师）” ↔ a JSON list.

Several reviewers are allowed; each is ``{"name": …, "kind": staff|counsel|lawyer}`` on
``Review.reviewers``. Without a kind in brackets a reviewer is 工作人员.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from fazhi.legality.models import ReviewerKind

_SPLIT = re.compile(r"[、,，;；\n]+")
_ITEM = re.compile(r"^(?P<name>[^（(]+?)\s*(?:[（(]\s*(?P<kind>[^）)]*?)\s*[）)])?$")
MAX_REVIEWERS = 20


def parse_reviewers(
    text: str | list[dict[str, Any]] | None, field: str = "reviewers"
) -> list[dict[str, str]]:
    """The reviewers written in ``text`` (or an already parsed list, checked); a kind that is
    not 工作人员 / 法律顾问 / 公职律师 is refused, naming the field."""
    if not text:
        return []
    by_label = {label: value for value, label in ReviewerKind.choices}
    items: list[dict[str, str]] = []
    if isinstance(text, list):
        raw = [(str(i.get("name", "")), str(i.get("kind", ReviewerKind.STAFF))) for i in text]
        pairs = [(n, k if k in ReviewerKind.values else by_label.get(k, k)) for n, k in raw]
    else:
        pairs = []
        for part in _SPLIT.split(text):
            part = part.strip()
            if not part:
                continue
            match = _ITEM.match(part)
            if match is None:
                raise ValidationError(
                    {field: f"审查人员“{part}”的格式不对，应为“姓名（法律顾问）”"}
                )
            kind = (match["kind"] or "工作人员").strip()
            pairs.append((match["name"].strip(), by_label.get(kind, kind)))
    for name, kind in pairs:
        if not name.strip() or len(name) > 40:
            raise ValidationError({field: "审查人员的姓名不能为空，也不能超过 40 个字"})
        if kind not in ReviewerKind.values:
            allowed = "、".join(ReviewerKind.labels)
            raise ValidationError({field: f"审查人员“{name}”的身份“{kind}”无效，应为{allowed}"})
        items.append({"name": name.strip(), "kind": kind})
    if len(items) > MAX_REVIEWERS:
        raise ValidationError({field: f"审查人员最多 {MAX_REVIEWERS} 人"})
    return items
