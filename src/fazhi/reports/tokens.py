"""Figure tokens and prompts in part texts.

A part's text names a figure by token, ``{{reconsideration.received}}``; it is shown as the
figure frozen in the report (``12件``), linked to its records inside the platform.

A prompt marks what the data cannot know and the author must write: ``{{?请填写：…}}``. It is
recognised by its marker (``{{?`` … ``}}``), never by its wording, so whatever a prompt says it
is found by the completeness check, refused by every step towards publication, highlighted in
the editor, on the report page and in the .docx of a draft, and left out of the public portal.
A report with prompts left is not complete.

Reports drafted before the marker existed wrote ``【请填写：…】``; migration 0002 turned them
into markers, and :data:`LEGACY_PROMPT` still finds one pasted back from an old draft.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

TOKEN = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
#: A prompt: ``{{?`` what to write ``}}`` (on one line).
PROMPT = re.compile(r"\{\{\?([^\n]*?)\}\}")
#: The form drafts had before the marker (an old draft's text pasted back).
LEGACY_PROMPT = re.compile(r"【请填写[^】\n]*】")
#: Both, for finding and replacing prompts.
ANY_PROMPT = re.compile(f"{PROMPT.pattern}|{LEGACY_PROMPT.pattern}")
#: An opening prompt marker without its close (the rest of the line would be printed).
OPEN_PROMPT = "{{?"
MISSING = "【无此数据：{code}】"
#: How a prompt reads where it is shown (report page, .docx of a draft): highlighted.
SHOWN = "【{text}】"


def token(code: str) -> str:
    return "{{" + code + "}}"


def prompt(text: str) -> str:
    """``text`` as a prompt (the drafter writes every prompt through this)."""
    return "{{?" + text.replace("}}", "}").replace("\n", " ").strip() + "}}"


def codes_in(text: str) -> list[str]:
    return [m.group(1) for m in TOKEN.finditer(text)]


def prompt_text(match: re.Match[str]) -> str:
    """What a found prompt asks (without its marker)."""
    if match.group(1) is not None:
        return match.group(1).strip()
    return match.group(0)[1:-1].strip()


def prompts_in(text: str) -> list[str]:
    """What each prompt left in ``text`` asks, in order."""
    return [prompt_text(m) for m in ANY_PROMPT.finditer(text)]


def unclosed_prompts(text: str) -> int:
    """Prompt markers opened and never closed on their line."""
    return sum(line.count(OPEN_PROMPT) for line in PROMPT.sub("", text).splitlines())


def without_prompts(text: str) -> str:
    """``text`` with every prompt removed (what the public portal prints of a text that should
    have had none); a line left empty is dropped."""
    lines = []
    for line in text.splitlines():
        kept = ANY_PROMPT.sub("", line)
        if kept.strip() or not line.strip():
            lines.append(kept)
    return "\n".join(lines)


def show_prompts(text: str) -> str:
    """``text`` with each prompt in the form it is shown (``【…】``)."""
    return ANY_PROMPT.sub(lambda m: SHOWN.format(text=prompt_text(m)), text)


@dataclass(frozen=True)
class Segment:
    text: str
    is_prompt: bool


def segments(text: str) -> list[Segment]:
    """``text`` cut into plain text and prompts (as shown), for renderers that highlight."""
    out: list[Segment] = []
    last = 0
    for m in ANY_PROMPT.finditer(text):
        if m.start() > last:
            out.append(Segment(text[last : m.start()], False))
        out.append(Segment(SHOWN.format(text=prompt_text(m)), True))
        last = m.end()
    if last < len(text):
        out.append(Segment(text[last:], False))
    return out


def render(text: str, displays: Mapping[str, str]) -> str:
    """``text`` with each token replaced by its figure's display value (prompts are kept as
    markers: each renderer shows or drops them)."""
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
