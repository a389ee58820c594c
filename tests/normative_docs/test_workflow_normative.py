"""The 规范性文件 state machine: the table, every problem reason, the 公布 gate, the filing
targets by unit kind, and the timeline / audit the runner writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from tests.normative_docs.conftest import CLI, d, on, walk
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.normative_docs import services as s
from fazhi.normative_docs.models import AuthorityKind, Document, FilingResult, Status
from fazhi.normative_docs.workflow import DOCUMENTS, publish_problem

pytestmark = pytest.mark.django_db


def test_the_workflow_table() -> None:
    steps = ("submit_filing", "record_result", "correct_filing", "rectify", "confirm")
    inside = dict.fromkeys((*steps, "mark_revision"), "published")
    assert DOCUMENTS.table() == {
        "drafting": {
            "consult": "consulting",
            "send_review": "reviewing",
            "record_published": "published",
        },
        "consulting": {"send_review": "reviewing"},
        "reviewing": {"deliberate": "deliberated"},
        "deliberated": {"publish": "published"},
        "published": {
            **inside,
            "repeal": "repealed",
            "invalidate": "invalidated",
            "expire": "expired",
            "supersede": "replaced",
        },
        "expired": {},
        "repealed": {},
        "invalidated": {},
        "replaced": {},
    }


def test_a_government_document_from_draft_to_published(county: County) -> None:
    with on("2025-06-30"):
        doc = walk(county.root)
    assert doc.status == Status.PUBLISHED
    assert doc.legality_review.category.code == "normative_doc"
    assert doc.legality_review.unit == county.dept  # the county's 司法局 reviews
    assert doc.legality_review.submitter == county.root
    assert (doc.effective_from, doc.valid_until) == (d("2025-04-02"), d("2030-04-01"))
    filings = list(doc.filings.order_by("authority_kind"))
    assert [(f.authority_kind, f.authority, f.authority_name) for f in filings] == [
        (AuthorityKind.CONGRESS, None, "湘江县人大常委会"),
        (AuthorityKind.GOVERNMENT, None, "上一级人民政府"),  # the county is the tree's top
    ]
    assert {f.due_on for f in filings} == {d("2025-04-02")}
    kinds = list(doc.events.values_list("kind", flat=True))
    assert kinds == ["起草", "征求意见", "送合法性审核", "集体审议", "签署公布"]
    actions = set(
        AuditEntry.objects.filter(
            object_id=str(doc.pk), action__startswith="normative_docs."
        ).values_list("action", flat=True)
    )
    assert {"normative_docs.register", "normative_docs.publish"} <= actions


def test_filing_targets_by_unit_kind(county: County) -> None:
    with on("2025-06-30"):
        town = walk(county.town_a, "白沙镇村庄规划管理规定")
        dept = walk(county.dept, "湘江县司法局法律援助办法")
        sub = walk(county.village_a, "白沙镇综合执法规程")
    assert {(f.authority, f.authority_name) for f in town.filings.all()} == {
        (county.root, "湘江县人民政府"),
        (None, "白沙镇人民代表大会主席团"),
    }
    assert [(f.authority, f.authority_kind) for f in dept.filings.all()] == [
        (county.root, AuthorityKind.GOVERNMENT)
    ]
    assert [f.authority for f in sub.filings.all()] == [county.town_a]


def test_the_publish_gate_refuses_an_unlawful_review(county: County) -> None:
    with on("2025-06-30"):
        doc = walk(county.root, until="deliberated", conclusion="unlawful")
        reason = DOCUMENTS.blocker(doc, "publish", dt.date(2025, 6, 30))
        assert "不是“合法”“修改后合法”，不能公布" in reason
        with pytest.raises(ValidationError, match="不能公布"):
            s.document_publish(
                actor=CLI(),
                document=doc,
                register_no="X-1",
                doc_number="湘政规〔2025〕9号",
                published_on=d("2025-03-03"),
            )
    doc.refresh_from_db()
    assert doc.status == Status.DELIBERATED and not doc.filings.exists()


def test_the_gate_without_any_review() -> None:
    doc = Document(title="x", status=Status.DELIBERATED)
    assert publish_problem(doc, dt.date(2025, 6, 30)) == (
        "未经合法性审查（或审查结论不是“合法”“修改后合法”），不能公布"
    )


def test_an_amended_review_passes_the_gate(county: County) -> None:
    with on("2025-06-30"):
        doc = walk(county.root, conclusion="amended")
    assert doc.status == Status.PUBLISHED


def test_every_problem_reason(county: County) -> None:
    today = dt.date(2025, 6, 30)
    with on(today):
        draft = walk(county.root, "甲", until="drafting")
        assert DOCUMENTS.blocker(draft, "send_review", today) == (
            "涉及公民、法人和其他组织权利义务的文件，应当先公开征求意见"
        )
        assert "只用于导入已公布的历史文件" in DOCUMENTS.blocker(draft, "record_published", today)
        internal = walk(county.root, "乙", until="drafting", affects_rights=False)
        assert DOCUMENTS.blocker(internal, "send_review", today) == ""
        consulting = walk(
            county.root, "丙", until="consulting", consult=("2025-06-20", "2025-07-21")
        )
        assert DOCUMENTS.blocker(consulting, "send_review", today) == (
            "征求意见期至 2025-07-21，尚未结束"
        )
        reviewing = walk(county.root, "丁", until="reviewing")
        assert DOCUMENTS.blocker(reviewing, "deliberate", today).startswith(
            "合法性审查尚未完成（审查编号"
        )
        doc = walk(county.root, "戊")
        assert DOCUMENTS.blocker(doc, "expire", today) == "有效期至 2030-04-01，尚未届满"
        assert DOCUMENTS.blocker(doc, "record_result", today) == "没有等待审查结果的备案"
        assert DOCUMENTS.blocker(doc, "correct_filing", today) == "没有暂缓备案登记待补正的备案"
        assert DOCUMENTS.blocker(doc, "rectify", today) == "没有不予备案登记待纠错的备案"
        for filing in doc.filings.all():
            s.document_submit_filing(
                actor=CLI(), document=doc, filing=filing, submitted_on=d("2025-03-20")
            )
        assert DOCUMENTS.blocker(doc, "submit_filing", today) == "各备案机关均已报送备案"
        state = DOCUMENTS.blocker(draft, "publish", today)
        assert "起草" in state  # the state refusal names the current state


def test_consultation_shorter_than_30_days_needs_a_reason(county: County) -> None:
    with on("2025-06-30"):
        doc = walk(county.root, until="drafting")
        # 2025-01-05 + 30 days = 2025-02-04, inside 春节 (01-28…02-04): rolled to 02-05.
        with pytest.raises(ValidationError) as err:
            s.document_consult(
                actor=CLI(),
                document=doc,
                consult_start=d("2025-01-05"),
                consult_end=d("2025-02-04"),
            )
        assert "应至 2025-02-05" in str(err.value.message_dict["consult_short_reason"])
        done = s.document_consult(
            actor=CLI(),
            document=doc,
            consult_start=d("2025-01-05"),
            consult_end=d("2025-01-20"),
            consult_short_reason="上级文件要求限期出台",
        )
    assert done.consult_min_end == d("2025-02-05")
    assert done.consult_short_reason == "上级文件要求限期出台"


def test_filing_results_correction_and_rectification(county: County) -> None:
    with on("2025-12-01"):
        doc = walk(county.dept, "湘江县司法局甲办法")
        filing = doc.filings.get()
        s.document_submit_filing(
            actor=CLI(), document=doc, filing=filing, submitted_on=d("2025-04-10")
        )
        filing.refresh_from_db()
        assert filing.submitted_on_time is False  # due 2025-04-02
        with pytest.raises(ValidationError, match="请填写审查意见"):
            s.document_record_result(
                actor=CLI(),
                document=doc,
                filing=filing,
                result=FilingResult.REJECTED,
                result_on=d("2025-04-20"),
            )
        s.document_record_result(
            actor=CLI(),
            document=doc,
            filing=filing,
            result=FilingResult.REJECTED,
            result_on=d("2025-04-20"),
            result_note="增设行政许可",
        )
        s.document_rectify(
            actor=CLI(),
            document=doc,
            filing=filing,
            rectified_on=d("2025-05-06"),
            rectification="删除第五条",
        )
    filing.refresh_from_db()
    assert (filing.result, filing.rectification) == (FilingResult.REJECTED, "删除第五条")
    assert list(doc.events.values_list("kind", flat=True))[-3:] == [
        "报送备案",
        "不予备案登记",
        "纠错",
    ]
