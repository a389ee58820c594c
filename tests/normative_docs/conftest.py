"""Fixtures of the 规范性文件 tests: a ``walk`` helper that takes a document through the real
services (and the legality register's) up to a named state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@contextmanager
def on(day: str | dt.date) -> Iterator[None]:
    """Today is ``day`` (Asia/Shanghai, 10:00) inside the block."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    when = dt.datetime(d.year, d.month, d.day, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(when, tick=False):
        yield


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


CLI = Actor.command_line


def walk(
    unit: OrgUnit,
    title: str = "湘江县城市道路管理办法",
    *,
    until: str = "published",
    drafted_on: str = "2025-01-02",
    consult: tuple[str, str] = ("2025-01-05", "2025-02-05"),
    conclusion: str = "lawful",
    published_on: str = "2025-03-03",
    doc_number: str = "",
    replaces: Any = None,
    affects_rights: bool = True,
    **publish: Any,
) -> Any:
    """A document of ``unit`` registered and moved through the services by the command line
    up to ``until`` (drafting, consulting, reviewing, concluded, deliberated, published); the
    legality review is concluded with ``conclusion``."""
    from fazhi.legality.services import review_conclude
    from fazhi.normative_docs import services as s

    actor = CLI()
    doc = s.document_register(
        actor=actor,
        unit=unit,
        title=title,
        drafted_on=d(drafted_on),
        replaces=replaces,
        affects_rights=affects_rights,
    )
    if until == "drafting":
        return doc
    doc = s.document_consult(
        actor=actor, document=doc, consult_start=d(consult[0]), consult_end=d(consult[1])
    )
    if until == "consulting":
        return doc
    doc = s.document_send_review(actor=actor, document=doc, sent_on=d(consult[1]))
    if until == "reviewing":
        return doc
    review = doc.legality_review
    review_conclude(
        actor=actor,
        review=review,
        completed_on=d(consult[1]) + dt.timedelta(days=7),
        conclusion=conclusion,
        reason="" if conclusion in ("lawful", "amended") else "与上位法抵触",
    )
    doc.refresh_from_db()
    if until == "concluded":
        return doc
    doc = s.document_deliberate(
        actor=actor,
        document=doc,
        meeting="县政府常务会议",
        deliberated_on=d(consult[1]) + dt.timedelta(days=14),
    )
    if until == "deliberated":
        return doc
    number = doc_number or f"湘政规〔{published_on[:4]}〕{doc.pk}号"
    return s.document_publish(
        actor=actor,
        document=doc,
        register_no=f"HNXJ-{published_on[:4]}-{doc.pk:03d}",
        doc_number=number,
        published_on=d(published_on),
        **publish,
    )


@pytest.fixture
def walk_doc() -> Callable[..., Any]:
    return walk


API = "/api/v1/normative/documents"


class Api:
    """A persona's API client (bearer token)."""

    def __init__(self, county: Any, persona: str) -> None:
        from django.test import Client

        from fazhi.accounts.services import token_create

        _, raw = token_create(
            actor=Actor.command_line(), membership=county.memberships[persona], name="测试"
        )
        self.client, self.headers = Client(), {"Authorization": f"Bearer {raw}"}

    def get(self, url: str) -> Any:
        return self.client.get(API + url, headers=self.headers)

    def post(self, url: str, body: dict[str, Any]) -> Any:
        import json

        return self.client.post(
            API + url, json.dumps(body), content_type="application/json", headers=self.headers
        )


def read_xlsx(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook as rows of values."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
