"""Figure tokens and prompts in part texts.

A part's text names a figure by token, ``{{reconsideration.received}}``; it is shown as the
figure frozen in the report (``12件``), linked to its records inside the platform. A prompt,
``【请填写：…】``, marks what the data cannot know; a report with prompts left is not complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

TOKEN = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
PROMPT = re.compile(r"【请填写[^】]*】")
MISSING = "【无此数据：{code}】"


def token(code: str) -> str:
    return "{{" + code + "}}"


def codes_in(text: str) -> list[str]:
    return [m.group(1) for m in TOKEN.finditer(text)]


def prompts_in(text: str) -> list[str]:
    return PROMPT.findall(text)


def render(text: str, displays: Mapping[str, str]) -> str:
    """``text`` with each token replaced by its figure's display value."""
    return TOKEN.sub(lambda m: displays.get(m.group(1), MISSING.format(code=m.group(1))), text)


def render_with(text: str, replace: Callable[[str], str], plain: Callable[[str], str]) -> str:
    """``text`` with tokens replaced by ``replace(code)`` and the text between by ``plain(part)``
    (used for HTML: escape the text, link the figures)."""
    out: list[str] = []
    last = 0
    for m in TOKEN.finditer(text):
        out.append(plain(text[last : m.start()]))
        out.append(replace(m.group(1)))
        last = m.end()
    out.append(plain(text[last:]))
    return "".join(out)
