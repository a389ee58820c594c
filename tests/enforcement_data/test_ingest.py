"""Ingest acceptance (issue 17): a bad middle row refuses the file whole with the row named;
--skip-bad loads the rest and writes the rejected rows; an interrupted ingest leaves nothing;
an officer whose certificate expired yesterday is refused by name; publicity due in working
days; encodings and .xlsx; the metric facts equal the register after a batch."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook

from fazhi.core.command import UsageError
from fazhi.core.models import AuditEntry
from fazhi.enforcement_data import ingest
from fazhi.enforcement_data.checks import credit_code_problem
from fazhi.enforcement_data.ingest import ingest_file, staging_cleanup
from fazhi.enforcement_data.models import BatchStatus, IngestBatch, Record, StagedRecord
from fazhi.metrics.facts import facts_check, facts_rebuild

from .conftest import ACME, HEADERS, Setup, WriteCsv, numbered, row

pytestmark = pytest.mark.django_db


def test_good_file_loads_in_one_batch(setup: Setup, write_csv: WriteCsv) -> None:
    path = write_csv(numbered(3))
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=path)
    assert result.ok and result.loaded == 3 and result.rejected == 0
    records = list(Record.objects.order_by("id"))
    assert [r.case_number for r in records] == [f"湘司罚〔2026〕{i}号" for i in (1, 2, 3)]
    first = records[0]
    assert first.unit == setup.county.dept and first.subject == setup.dept_subject
    assert first.year == 2026 and first.kind == "penalty" and str(first.amount) == "2000.00"
    assert first.officers == "A0001、A0002" and first.enterprise and first.credit_code == ACME
    # 7 working days after 2026-06-01 (Mon): 06-10; published 06-03 → on time
    assert first.publicity_due == dt.date(2026, 6, 10) and first.published_on_time is True
    assert first.unit_d0 == setup.county.root.pk and first.unit_d1 == setup.county.dept.pk
    batch = IngestBatch.objects.get()
    assert first.batch == batch.pk and batch.status == BatchStatus.DONE and batch.rows == 3
    assert not StagedRecord.objects.exists()
    entry = AuditEntry.objects.filter(action="enforcement_data.ingest").get()
    assert entry.after["rows"] == 3


def test_bad_middle_row_refuses_the_whole_file(setup: Setup, write_csv: WriteCsv) -> None:
    rows = numbered(5)
    rows[2]["决定日期"] = "2026-13-45"
    path = write_csv(rows)
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=path)
    assert not result.ok and result.loaded == 0
    assert [str(e) for e in result.errors] == ["第4行【决定日期】日期格式应为 2026-03-01"]
    assert result.summary() == "导入失败：发现 1 处错误，未写入任何数据"
    assert not Record.objects.exists() and not StagedRecord.objects.exists()
    assert IngestBatch.objects.get().status == BatchStatus.FAILED


def test_skip_bad_loads_the_rest_and_writes_rejected_rows(
    setup: Setup, write_csv: WriteCsv, tmp_path: Path
) -> None:
    rows = numbered(4)
    rows[1]["执法主体"] = "不存在的主体"
    rows[3]["统一社会信用代码"] = ACME[:-1] + ("0" if ACME[-1] != "0" else "1")
    path = write_csv(rows)
    rejected = tmp_path / "rejected.csv"
    result = ingest_file(
        actor=setup.county.actor("dept_clerk"), path=path, skip_bad=True, rejected_path=rejected
    )
    assert result.ok and result.loaded == 2 and result.rejected == 2
    assert result.summary() == "导入完成：新增执法记录 2 条，拒收 2 条（见拒收行文件）"
    assert sorted(Record.objects.values_list("case_number", flat=True)) == [
        "湘司罚〔2026〕1号",
        "湘司罚〔2026〕3号",
    ]
    with rejected.open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][:3] == ["行号", "拒收原因", "执法单位编码"]
    assert [line[0] for line in lines[1:]] == ["3", "5"]
    assert "【执法主体】“不存在的主体”不是该执法单位登记的执法主体" in lines[1][1]
    assert "【统一社会信用代码】校验码不正确" in lines[2][1]
    assert lines[1][5] == "湘司罚〔2026〕2号"
    assert IngestBatch.objects.get().rejected == 2


SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="PostgreSQL stages nothing (one transaction around one COPY): test_ingest_pg.py",
)


@SQLITE_ONLY
def test_interrupted_ingest_leaves_nothing_visible(
    setup: Setup, write_csv: WriteCsv, settings: object
) -> None:
    settings.FAZHI_ENFORCEMENT_BATCH = 2  # type: ignore[attr-defined]
    path = write_csv(numbered(7))
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        assert StagedRecord.objects.count() == done  # staged, not visible
        assert not Record.objects.exists()
        if len(seen) == 2:
            raise KeyboardInterrupt  # killed after two staged batches

    with pytest.raises(KeyboardInterrupt):
        ingest_file(actor=setup.county.actor("dept_clerk"), path=path, progress=progress)
    assert seen == [2, 4]
    assert not Record.objects.exists() and not StagedRecord.objects.exists()
    assert IngestBatch.objects.get().status == BatchStatus.FAILED


@SQLITE_ONLY
def test_killed_ingest_leaves_staging_rows_that_the_cleanup_removes(
    setup: Setup, write_csv: WriteCsv, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.FAZHI_ENFORCEMENT_BATCH = 2  # type: ignore[attr-defined]
    monkeypatch.setattr(ingest, "_fail", lambda batch, message: None)  # the process dies

    def die(done: int, total: int) -> None:
        raise SystemExit

    with pytest.raises(SystemExit):
        ingest_file(
            actor=setup.county.actor("dept_clerk"), path=write_csv(numbered(5)), progress=die
        )
    assert StagedRecord.objects.count() == 2 and not Record.objects.exists()
    assert staging_cleanup() == 0  # still within FAZHI_JOB_STALE_SECONDS: may be alive
    assert staging_cleanup(older_than=dt.timedelta(0)) == 2
    assert not StagedRecord.objects.exists()
    assert IngestBatch.objects.get().status == BatchStatus.FAILED


def test_certificate_expired_yesterday_refuses_the_row_naming_the_officer(
    setup: Setup, write_csv: WriteCsv
) -> None:
    path = write_csv([row(执法证号="A0001、A0009", 决定日期="2026-06-30", 公示日期="")])
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=path)
    assert [str(e) for e in result.errors] == [
        "第2行【执法证号】过期丙（执法证号 A0009）的执法证已于 2026-06-29 过期，"
        "不能作为2026-06-30的执法人员"
    ]
    # the day before it expired, the same officer could act
    ok = ingest_file(
        actor=setup.county.actor("dept_clerk"),
        path=write_csv([row(执法证号="A0009", 决定日期="2026-06-29", 公示日期="")], name="b.csv"),
    )
    assert ok.ok and ok.loaded == 1


def test_row_checks_name_each_column(setup: Setup, write_csv: WriteCsv) -> None:
    rows = [
        row(执法单位编码="430199102"),  # 黄金乡: not the dept's subject
        row(执法类别="行政裁决"),
        row(罚没金额="-5"),
        row(涉企="是", 统一社会信用代码=""),
        row(执法证号="B0001"),  # 白沙镇's officer is outside the dept's subtree? no: inside county
        row(执法证号="", 执法类别="行政检查"),
        row(决定日期="2026-07-01"),
        row(公示日期="2026-05-01"),
    ]
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=write_csv(rows))
    found = {(e.row, e.column): e.reason for e in result.errors}
    assert "430199102 不存在或不在本单位及下级单位范围内" in found[(2, "执法单位编码")]
    assert found[(3, "执法类别")].startswith("“行政裁决”不是")
    assert found[(4, "罚没金额")].startswith("应为 0 至")
    assert found[(5, "统一社会信用代码")] == "涉企记录必须填写企业的统一社会信用代码"
    assert "B0001 不是本单位及下级单位登记的执法人员" in found[(6, "执法证号")]
    assert found[(7, "执法证号")] == "行政检查应填写执法人员的执法证号"
    assert found[(8, "决定日期")] == "不能晚于今天（2026-06-30）"
    assert found[(9, "公示日期")] == "不能早于决定日期"


def test_missing_column_and_unknown_format(setup: Setup, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("执法主体,文书号\n甲,1\n", encoding="utf-8")
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=path)
    assert [str(e) for e in result.errors] == ["文件【执法类别】缺少必填列：执法类别、决定日期"]
    other = tmp_path / "x.txt"
    other.write_text("x")
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=other)
    assert result.errors[0].reason == "只能导入 .csv 或 .xlsx 文件"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(setup: Setup, write_csv: WriteCsv, encoding: str) -> None:
    path = write_csv(numbered(2), encoding=encoding)
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=path)
    assert result.ok and result.loaded == 2
    assert Record.objects.filter(subject__name="湘江县司法局").count() == 2


def test_xlsx(setup: Setup, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.create_sheet("数据", 0)
    sheet.append(HEADERS)
    good = row()
    good["决定日期"] = dt.datetime(2026, 6, 1)  # type: ignore[assignment]  # noqa: DTZ001
    sheet.append([good[h] for h in HEADERS])
    sheet.append(
        [row(文书号="湘司罚〔2026〕2号", 执法类别="许可", 执法证号="")[h] for h in HEADERS]
    )
    path = tmp_path / "data.xlsx"
    book.save(path)
    result = ingest_file(actor=setup.county.actor("dept_clerk"), path=path)
    assert result.ok and result.loaded == 2
    licence = Record.objects.get(case_number="湘司罚〔2026〕2号")
    assert licence.kind == "license" and licence.officers == ""


def test_publicity_due_in_working_days_with_tiaoxiu(setup: Setup, write_csv: WriteCsv) -> None:
    """2026-04-30 (Thu) + 7 working days skips the 劳动节 holiday (05-01…05-05) and counts
    the 调休 Saturday 05-09; a 强制 decision gets 20 working days; an inspection none."""
    rows = [
        row(文书号="1", 决定日期="2026-04-30", 公示日期="2026-05-13"),
        row(文书号="1b", 决定日期="2026-04-30", 公示日期="2026-05-14"),
        row(
            文书号="2",
            执法单位编码="430199101",
            执法主体="白沙镇人民政府",
            执法类别="行政强制",
            执法证号="B0001",
            决定日期="2026-04-30",
            公示日期="",
        ),
        row(文书号="3", 执法类别="行政检查", 决定日期="2026-06-29", 公示日期=""),
        row(文书号="4", 决定日期="2026-06-29", 公示日期=""),
    ]
    result = ingest_file(actor=setup.county.actor("coordinator"), path=write_csv(rows))
    assert result.ok, result.errors
    got = {r.case_number: (r.publicity_due, r.published_on_time) for r in Record.objects.all()}
    assert got["1"] == (dt.date(2026, 5, 13), True)  # 05-06…05-09 (调休 Saturday), 05-11…13
    assert got["1b"] == (dt.date(2026, 5, 13), False)
    assert got["2"] == (dt.date(2026, 6, 1), False)  # 20 working days passed, unpublished
    assert got["3"] == (None, None)
    assert got["4"][1] is None  # not yet due


def test_unit_outside_the_actor_subtree_is_refused(setup: Setup, write_csv: WriteCsv) -> None:
    path = write_csv([row(执法单位编码="430199001")])
    result = ingest_file(actor=setup.county.actor("clerk_a"), path=path)  # 白沙镇 clerk
    assert "不在本单位及下级单位范围内" in result.errors[0].reason
    with pytest.raises(Exception, match="不在您的管辖范围内"):
        ingest_file(actor=setup.county.actor("clerk_a"), path=path, unit=setup.county.dept)
    with pytest.raises(Exception, match="无此权限"):
        ingest_file(actor=setup.county.actor("leader"), path=path)


def test_credit_code_check_digit() -> None:
    assert credit_code_problem("91350100M000100Y43") == ""  # a published example
    assert credit_code_problem("91350100M000100Y44") == "校验码不正确（第 18 位）"
    assert credit_code_problem("9135") == "应为 18 位，实为 4 位"
    assert "不允许的字符" in credit_code_problem("91350100M000100I43")


def test_facts_equal_the_register_after_a_batch(setup: Setup, write_csv: WriteCsv) -> None:
    facts_rebuild()
    licence = row(
        文书号="L1", 执法类别="行政许可", 执法证号="", 罚没金额="0", 决定日期="2026-05-06"
    )
    inspection = row(
        文书号="T1",
        执法单位编码="430199101",
        执法主体="白沙镇人民政府",
        执法类别="行政检查",
        执法证号="B0001、B0002",
        罚没金额="0",
        决定日期="2026-03-02",
        公示日期="",
    )
    rows = [*numbered(3), licence, inspection]
    assert ingest_file(actor=setup.county.actor("coordinator"), path=write_csv(rows)).ok
    compared, mismatches = facts_check()
    assert compared > 0 and mismatches == []
    from fazhi.metrics.models import MetricFact

    assert MetricFact.objects.filter(definition__code="enforcement_data.records").exists()


def test_command(setup: Setup, write_csv: WriteCsv, tmp_path: Path) -> None:
    rows = numbered(3)
    rows[1]["执法类别"] = "??"
    path = write_csv(rows)
    with pytest.raises(UsageError, match="导入失败"):
        call_command("import", "enforcement_data", str(path), "--unit", "430199001")
    assert not Record.objects.exists()
    rejected = tmp_path / "bad.csv"
    call_command(
        "import",
        "enforcement_data",
        str(path),
        "--unit",
        "430199001",
        "--skip-bad",
        "--rejected",
        str(rejected),
    )
    assert Record.objects.count() == 2 and rejected.exists()
    call_command(
        "import", "enforcement_data", str(write_csv(numbered(1), name="c.csv")), "--skip-bad"
    )
    assert Record.objects.count() == 3
    assert Path(f"{tmp_path / 'c.csv'}.rejected.csv").exists()


def test_shared_excel_import_checks_then_loads(setup: Setup, tmp_path: Path) -> None:
    """The shared upload page (先校验 → 确认导入) and Excel import job go through the same
    streaming ingest."""
    from fazhi.enforcement_data.excel import REGISTER

    book = Workbook()
    sheet = book.create_sheet("数据", 0)
    sheet.append(HEADERS)
    sheet.append([row()[h] for h in HEADERS])
    path = tmp_path / "a.xlsx"
    book.save(path)
    actor, unit = setup.county.actor("dept_clerk"), setup.county.dept
    checked = REGISTER.import_xlsx(path.read_bytes(), actor=actor, unit=unit, dry_run=True)
    assert checked.ok and checked.created == 1 and not Record.objects.exists()
    assert not IngestBatch.objects.exists()
    done = REGISTER.import_xlsx(path.read_bytes(), actor=actor, unit=unit)
    assert done.ok and done.created == 1 and Record.objects.count() == 1
    exported = REGISTER.export_xlsx(REGISTER.export_queryset(actor, 2026))
    from tests.registers.matrix import exported_values

    assert {"湘司罚〔2026〕1号", "湘江县司法局", "430199001", ACME} <= exported_values(exported)
