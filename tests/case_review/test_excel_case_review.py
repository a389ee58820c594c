"""A standard imported from Excel (docs/EXCEL.md “案卷评查标准”) scores a file exactly as a
hand calculation; bad rows are refused with row and column and nothing is written; the export
imports again."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from tests.personas import County

from fazhi.case_review import services as svc
from fazhi.case_review.excel import read_standard, standard_import, standard_xlsx
from fazhi.case_review.models import FileStatus, Standard
from fazhi.core.models import AuditEntry

from .conftest import MakeRecords

pytestmark = pytest.mark.django_db
D = Decimal
HEADER = ["部分", "部分分值", "评查项目", "分值", "扣分规则", "否决项", "说明"]
ROWS: list[list[object]] = [
    ["基本标准", None, "主体不合法", None, "否决", "是", "基本标准为否决项"],
    ["基本标准", None, "执法人员少于2人", None, None, "是", None],
    ["卷面标准", 20, "使用统一文书格式", 2, "扣2分", "否", None],
    ["卷面标准", None, "文书填写规范", 4, "每处扣1分", None, None],
    ["卷面标准", 20, "卷内目录与页码", 2, "每处扣1分", "否", None],
    ["卷面标准", None, "组卷规范", 2, "扣0.5-2分", "", None],
    ["内容标准", 80, "无管辖权", 10, "扣10分", "否", None],
    ["内容标准", None, "无立案表", 4, "每处扣2分", "否", None],
    ["内容标准", None, "违法使用强制措施", 15, "扣5～15分", "否", None],
    ["内容标准", None, "证据漏装", 5, "每项扣1分", "否", None],
]


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_imported_standard_scores_like_the_hand_calculation(
    county: County, make_records: MakeRecords
) -> None:
    actor = county.actor("dept_clerk")
    standard = standard_import(actor=actor, owner=county.dept, name="导入标准", content=xlsx(ROWS))
    assert [(p.name, p.points, p.items.count()) for p in standard.parts.all()] == [
        ("基本标准", D(0), 2),
        ("卷面标准", D(20), 4),
        ("内容标准", D(80), 4),
    ]
    svc.standard_activate(actor=actor, standard=standard)
    make_records(county.town_a, 1)
    campaign = svc.campaign_create(
        actor=actor, organiser=county.dept, year=2026, title="导入标准评查", standard=standard,
        units=[county.town_a], kinds=["penalty"], per_unit=1,
    )  # fmt: skip
    svc.reviewer_assign(
        actor=actor, campaign=campaign, unit=county.town_a, reviewer_unit=county.dept
    )
    svc.files_draw(actor=actor, campaign=campaign, seed=7)
    case_file = campaign.files.get()
    item = {i.name: i.pk for p in standard.parts.all() for i in p.items.all()}
    M = svc.MarkInput
    marks = {
        item["使用统一文书格式"]: M(instances=1, note="询问笔录未用统一格式"),
        item["文书填写规范"]: M(instances=6, note="6处填写错误"),
        item["组卷规范"]: M(amount=D("1.5"), note="材料顺序混乱"),
        item["无立案表"]: M(instances=1, note="无立案审批表"),
        item["违法使用强制措施"]: M(amount=D(8), note="扣押超期"),
        item["证据漏装"]: M(instances=2, note="缺现场照片两张"),
    }
    svc.file_score(actor=county.actor("reviewer"), case_file=case_file, marks=marks)
    done = svc.file_submit(actor=county.actor("reviewer"), case_file=case_file)
    # Hand calculation:
    #   基本标准: no veto                                    →  0
    #   卷面标准 20: 格式 −2; 填写 6 处 × 1 = 6, capped at 4 → −4; 目录 0; 组卷 −1.5
    #                → deducted 7.5, score 20 − 7.5          = 12.5
    #   内容标准 80: 无立案表 1 × 2 = −2; 强制措施 −8; 证据漏装 2 × 1 = −2
    #                → deducted 12, score 80 − 12            = 68
    #   total 12.5 + 68 = 80.5 → 合格 (60 ≤ 80.5 < 90)
    assert done.status == FileStatus.DONE
    assert (done.score, done.grade, done.veto) == (D("80.5"), "pass", False)
    deducted = {m.item.name: m.deducted for m in done.marks.select_related("item")}
    assert deducted == {
        "使用统一文书格式": D(2), "文书填写规范": D(4), "组卷规范": D("1.5"),
        "无立案表": D(2), "违法使用强制措施": D(8), "证据漏装": D(2),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["卷面标准", 20, "新增项", 2, "酌情扣分", "否"],
            "第12行“扣分规则”：扣分规则“酌情扣分”无法识别",
        ),
        (["卷面标准", 20, "新增项", None, "扣1分", "否"], "第12行“分值”：不能为空"),
        (
            ["卷面标准", 20, "新增项", 1, "扣2分", "否"],
            "第12行“扣分规则”：扣分（扣2分）超过分值 1 分",
        ),
        (
            ["卷面标准", 25, "新增项", 2, "扣1分", "否"],
            "第12行“部分分值”：与“卷面标准”前面各行写的 20 分不一致",
        ),
        (["", 20, "新增项", 2, "扣1分", "否"], "第12行“部分”：不能为空"),
        (["卷面标准", 20, "", 2, "扣1分", "否"], "第12行“评查项目”：不能为空"),
        (
            ["卷面标准", 20, "文书填写规范", 2, "扣1分", "否"],
            "第12行“评查项目”：“文书填写规范”在“卷面标准”中重复",
        ),
        (["卷面标准", 20, "新增项", 2, "扣1分", "也许"], "第12行“否决项”：“也许”无效"),
        (
            ["基本标准", None, "新否决项", None, "扣1分", "是"],
            "第12行“扣分规则”：否决项的扣分规则应为“否决”",
        ),
        (["卷面标准", 20, "新增项", "两分", "扣1分", "否"], "第12行“分值”：“两分”不是数字"),
    ],
)
def test_bad_rows_are_refused_with_row_and_column(
    county: County, row: list[object], message: str
) -> None:
    before = Standard.objects.count()
    with pytest.raises(ValidationError) as exc:
        standard_import(
            actor=county.actor("dept_clerk"),
            owner=county.dept,
            name="坏标准",
            content=xlsx([*ROWS, row]),
        )
    assert any(m.startswith(message) for m in exc.value.messages), exc.value.messages
    assert Standard.objects.count() == before  # nothing written
    assert not AuditEntry.objects.filter(action="case_review.standard_create").exists()


def test_all_errors_listed_and_missing_columns(county: County) -> None:
    with pytest.raises(ValidationError) as exc:
        read_standard(
            xlsx(
                [
                    ["卷面标准", None, "甲", 2, "扣1分", "否"],
                    ["卷面标准", None, "乙", 2, "扣九分", "否"],
                ]
            )
        )
    assert exc.value.messages == [
        "第3行“扣分规则”：扣分规则“扣九分”无法识别，应写作“扣2分”“每处扣1分”“扣5-15分”或“否决”",
        "部分“卷面标准”：请在“部分分值”列写明该部分的分值",
    ]
    with pytest.raises(ValidationError, match="第1行缺少列：分值"):
        read_standard(xlsx([], header=["部分", "评查项目", "扣分规则"]))
    with pytest.raises(ValidationError, match="不是有效的 Excel"):
        read_standard(b"not a workbook")


def test_export_imports_again(county: County) -> None:
    actor = county.actor("dept_clerk")
    first = standard_import(actor=actor, owner=county.dept, name="往返", content=xlsx(ROWS))
    again = standard_import(
        actor=actor, owner=county.dept, name="往返", content=standard_xlsx(first)
    )
    assert again.version == 2  # same name: the next version

    def shape(s: Standard) -> list[tuple[object, ...]]:
        return [
            (p.name, p.points, i.name, i.points, i.kind, i.amount, i.low, i.high)
            for p in s.parts.all()
            for i in p.items.all()
        ]

    assert shape(again) == shape(first)


def test_sample_standard_is_shipped_as_data(county: County) -> None:
    sample = Standard.objects.get(owner=None, name="行政处罚案卷评查标准（示例）")
    assert sample.status == "active" and sample.confidence == "[S]"
    assert "wenke99" in sample.source
    parts = {p.name: p for p in sample.parts.all()}
    assert list(parts) == ["基本标准", "卷面标准", "内容标准"]
    assert [p.points for p in parts.values()] == [D(0), D(20), D(80)]
    assert parts["基本标准"].items.count() == 9
    assert all(i.kind == "veto" for i in parts["基本标准"].items.all())
    assert sum(i.points for i in parts["卷面标准"].items.all()) == D(20)
    again = read_standard(standard_xlsx(sample))  # the sample passes the import grammar too
    assert [len(p.items) for p in again] == [9, 9, 19]
