"""Export → import into a fresh county gives the same stored cases and the same metrics.

The original cases are entered through the services (as on screen); both registers are
exported with `fazhi export` and imported with `fazhi import` into a second county whose units
have the same names but other codes. Every stored field (status, dates, deadlines, outcome,
closed_on_time, handling_days, is_loss, hearings, head_appeared …) and every metric agree.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from tests.excel.helpers import read_back
from tests.personas import County

from fazhi.litigation import services as lit
from fazhi.litigation.models import LitigationCase
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create
from fazhi.reconsideration import services as rec
from fazhi.reconsideration.models import ReconsiderationCase

D = dt.date


def reconsideration_cases(county: County) -> None:
    """One case of each shape, handled by the county 司法局."""
    a = county.actor("dept_clerk")

    def receive(number: str, on: dt.date, respondent: OrgUnit | None = None, **kw: Any) -> Any:
        return rec.case_receive(
            actor=a,
            unit=county.dept,
            number=number,
            received_on=on,
            act_category=kw.pop("act_category", "penalty"),
            respondent=respondent,
            respondent_name="" if respondent else "湖南省自然资源厅",
            applicant_name="张三",
            applicant_id_number="430101199001011234",
            applicant_phone="13800138000",
            **kw,
        )

    receive("R-审查", D(2025, 6, 26), county.town_a)
    c = receive("R-补正", D(2025, 6, 16), county.town_b, channel="post", matter="撤销处罚决定")
    rec.case_request_correction(actor=a, case=c, notified_on=D(2025, 6, 18))
    # One notice only (第31条: 一次性载明); the review restarts from the corrected materials.
    c = receive("R-补正后受理", D(2025, 5, 6), county.village_a, applicant_kind="legal_person")
    c = rec.case_request_correction(actor=a, case=c, notified_on=D(2025, 5, 7))
    c = rec.case_receive_correction(actor=a, case=c, received_on=D(2025, 5, 20))
    rec.case_accept(actor=a, case=c, accepted_on=D(2025, 5, 22), procedure="simple")
    c = receive("R-放弃", D(2024, 11, 4), county.town_a)
    c = rec.case_request_correction(actor=a, case=c, notified_on=D(2024, 11, 5))
    rec.case_abandon(actor=a, case=c, on=D(2024, 11, 25))
    c = receive("R-不受理", D(2024, 12, 2), act_category="info_disclosure")
    rec.case_refuse(actor=a, case=c, refused_on=D(2024, 12, 5), reason="不属于行政复议范围")
    c = receive("R-视为受理", D(2024, 12, 23), county.town_b)
    rec.case_deem_accepted(actor=a, case=c)
    c = receive("R-视为受理结案", D(2025, 1, 2), county.town_a, act_category="licensing")
    c = rec.case_deem_accepted(actor=a, case=c)
    rec.case_close(actor=a, case=c, closed_on=D(2025, 3, 31), outcome="annul", note="适用法律错误")
    c = receive("R-全程", D(2025, 1, 6), county.town_a)
    c = rec.case_accept(actor=a, case=c, accepted_on=D(2025, 1, 8))
    c = rec.case_suspend(actor=a, case=c, suspended_on=D(2025, 2, 10), ground="7")
    c = rec.case_resume(actor=a, case=c, resumed_on=D(2025, 3, 3))
    c = rec.case_extend(actor=a, case=c, approved_on=D(2025, 3, 20), days=30)
    c = rec.case_suspend(actor=a, case=c, suspended_on=D(2025, 3, 25), ground="8")
    c = rec.case_resume(actor=a, case=c, resumed_on=D(2025, 4, 8))
    rec.case_close(actor=a, case=c, closed_on=D(2025, 5, 30), outcome="confirm_illegal")
    c = receive("R-中止中", D(2025, 4, 1), county.village_a)
    c = rec.case_accept(actor=a, case=c, accepted_on=D(2025, 4, 2), procedure="simple")
    rec.case_suspend(actor=a, case=c, suspended_on=D(2025, 4, 20), ground="5")
    c = receive("R-中止中和解", D(2025, 2, 3), county.town_b)
    c = rec.case_accept(actor=a, case=c, accepted_on=D(2025, 2, 5))
    c = rec.case_suspend(actor=a, case=c, suspended_on=D(2025, 3, 1), ground="6")
    rec.case_close(actor=a, case=c, closed_on=D(2025, 3, 15), outcome="settled_withdrawn")
    c = receive("R-转普通", D(2025, 3, 3), county.town_a)
    c = rec.case_accept(actor=a, case=c, accepted_on=D(2025, 3, 4), procedure="simple")
    c = rec.case_convert_to_ordinary(actor=a, case=c, on=D(2025, 3, 20))
    rec.case_close(actor=a, case=c, closed_on=D(2025, 5, 2), outcome="uphold")
    c = receive("R-超期", D(2024, 9, 2), county.town_a)
    c = rec.case_accept(actor=a, case=c, accepted_on=D(2024, 9, 4))
    rec.case_close(actor=a, case=c, closed_on=D(2025, 1, 10), outcome="reject_claim")


def litigation_cases(county: County) -> None:
    a = county.actor("coordinator")
    linked = ReconsiderationCase.objects.get(number="R-视为受理结案")
    c = lit.case_register(
        actor=a,
        unit=county.town_a,
        number="（2025）湘0199行初5号",
        court="湘江县人民法院",
        filed_on=D(2025, 4, 10),
        cause="不服行政许可",
        act_category="licensing",
        reconsideration=linked,
        plaintiff_name="李四",
    )
    lit.hearing_add(
        actor=a,
        case=c,
        held_on=D(2025, 5, 12),
        head_appeared=True,
        head_name="王五",
        head_post="镇长",
        head_category="principal",
    )
    lit.hearing_add(
        actor=a, case=c, held_on=D(2025, 6, 3), head_appeared=False, absence_reason="出差"
    )
    lit.case_close(actor=a, case=c, judged_on=D(2025, 6, 20), result="loss_illegal", note="超期")
    c = lit.case_register(
        actor=a,
        unit=county.village_a,
        number="（2024）湘01行终9号",
        court="湘江市中级人民法院",
        level="second",
        filed_on=D(2024, 10, 8),
    )
    lit.hearing_add(
        actor=a,
        case=c,
        held_on=D(2024, 11, 1),
        head_appeared=True,
        head_post="主任",
        head_category="other_in_charge",
        staff_appeared=False,
    )
    lit.case_close(actor=a, case=c, judged_on=D(2025, 1, 15), result="win")
    lit.case_register(
        actor=a,
        unit=county.dept,
        number="（2025）湘0199行初8号",
        court="湘江县人民法院",
        filed_on=D(2025, 6, 2),
    )


def fresh_county() -> dict[str, OrgUnit]:
    """A second county with the same unit names (other codes), as on a new installation."""
    cli = Actor.command_line()
    root = orgunit_create(
        actor=cli,
        code="439999",
        name="湘江县人民政府",
        kind=UnitKind.GOVERNMENT,
        level=UnitLevel.COUNTY,
        parent=None,
        short_name="湘江县",
        province_code="43",
    )

    def mk(code: str, name: str, kind: str, parent: OrgUnit, level: str) -> OrgUnit:
        return orgunit_create(
            actor=cli, code=code, name=name, kind=kind, level=level, parent=parent
        )

    town_a = mk("439999101", "白沙镇人民政府", UnitKind.TOWNSHIP, root, UnitLevel.TOWNSHIP)
    town_b = mk("439999102", "黄金乡人民政府", UnitKind.TOWNSHIP, root, UnitLevel.TOWNSHIP)
    village = mk("439999101001", "白沙镇综合行政执法办", UnitKind.DEPARTMENT, town_a, "township")
    dept = mk("439999001", "湘江县司法局", UnitKind.DEPARTMENT, root, UnitLevel.COUNTY)
    # The same 行政复议机构 as the test county (tests/personas.py).
    for body in (dept, town_a, town_b):
        body.is_reconsideration_body = True
        body.save(update_fields=["is_reconsideration_body"])
    return {"root": root, "town_a": town_a, "town_b": town_b, "village": village, "dept": dept}


def is_slot(name: str) -> bool:
    """Denormalised ancestor ids (orgs/slots.py) differ between counties by construction."""
    return name.startswith(("unit_d", "resp_d")) and name[-1].isdigit()


RECON_SKIP = {"id", "unit", "respondent", "created_at", "updated_at"}
RECON_PERSONAL = {
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_index",
    "applicant_name_index",
    "applicant_phone_index",
}


def recon_state(root: OrgUnit) -> dict[str, dict[str, Any]]:
    skip = RECON_SKIP | RECON_PERSONAL
    names = [
        f.attname
        for f in ReconsiderationCase._meta.concrete_fields
        if f.name not in skip and not is_slot(f.name)
    ]
    cases = ReconsiderationCase.objects.filter(unit__path__startswith=root.path)
    return {
        c.number: {
            **{n: getattr(c, n) for n in names},
            "unit": c.unit.name,
            "respondent": c.respondent.name if c.respondent else None,
            "suspensions": [(s.ground, s.suspended_on, s.resumed_on) for s in c.suspensions.all()],
        }
        for c in cases.select_related("unit", "respondent")
    }


def lit_state(root: OrgUnit) -> dict[str, dict[str, Any]]:
    skip = {"id", "unit", "reconsideration", "plaintiff_name", "created_at", "updated_at"}
    names = [
        f.attname
        for f in LitigationCase._meta.concrete_fields
        if f.name not in skip and not is_slot(f.name)
    ]
    hearing_fields = (
        "held_on",
        "head_appeared",
        "head_name",
        "head_post",
        "head_category",
        "absence_reason",
        "staff_appeared",
    )
    cases = LitigationCase.objects.filter(unit__path__startswith=root.path)
    return {
        c.number: {
            **{n: getattr(c, n) for n in names},
            "unit": c.unit.name,
            "reconsideration": c.reconsideration.number if c.reconsideration else None,
            "hearings": [tuple(getattr(h, f) for f in hearing_fields) for h in c.hearings.all()],
        }
        for c in cases.select_related("unit", "reconsideration")
    }


def metrics(root: OrgUnit, year: int) -> list[tuple[str, Any, Any, Any]]:
    values = metric_values(actor=Actor.command_line(root), unit=root, period=Period.for_year(year))
    return [(v.code, v.value, v.numerator, v.denominator) for v in values]


def cli(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_round_trip_into_a_fresh_county(county: County, tmp_path: Path) -> None:
    reconsideration_cases(county)
    litigation_cases(county)
    new = fresh_county()
    recon_file, lit_file = tmp_path / "复议.xlsx", tmp_path / "应诉.xlsx"

    out = cli("export", "reconsideration", "--unit", county.dept.code, "--out", str(recon_file))
    assert "已导出行政复议案件 12 件（湘江县司法局，全部年度）" in out
    out = cli("export", "litigation", "--unit", county.root.code, "--out", str(lit_file))
    assert "已导出行政应诉案件 3 件" in out
    # Personal data never leaves in plain form.
    text = repr(read_back(recon_file.read_bytes())) + repr(read_back(lit_file.read_bytes()))
    for secret in ("张三", "李四", "430101199001011234", "13800138000"):
        assert secret not in text

    out = cli("import", "reconsideration", str(recon_file), "--unit", new["dept"].code)
    assert out.strip().splitlines()[-1] == "导入完成：新增 12 件"  # after the progress lines
    out = cli("import", "litigation", str(lit_file), "--unit", new["root"].code)
    assert out.strip().splitlines()[-1] == "导入完成：新增 3 件，开庭记录 3 次"

    before, after = recon_state(county.root), recon_state(new["root"])
    assert sorted(after) == sorted(before)
    for number, fields in before.items():
        assert after[number] == fields, number
    before, after = lit_state(county.root), lit_state(new["root"])
    assert sorted(after) == sorted(before)
    for number, fields in before.items():
        assert after[number] == fields, number
    for year in (2024, 2025):
        original = metrics(county.root, year)
        assert any(numerator for _, _, numerator, _ in original)
        assert metrics(new["root"], year) == original
    # The respondent and defendant links survive (the townships see their cases).
    assert ReconsiderationCase.objects.filter(respondent=new["village"]).count() == 2
    imported = LitigationCase.objects.filter(unit__path__startswith=new["root"].path)
    assert imported.get(number="（2025）湘0199行初5号").unit == new["town_a"]


@pytest.mark.django_db
def test_export_by_year_and_scope(county: County, tmp_path: Path) -> None:
    reconsideration_cases(county)
    litigation_cases(county)
    path = tmp_path / "a.xlsx"
    cli(
        "export",
        "reconsideration",
        "--unit",
        county.dept.code,
        "--year",
        "2024",
        "--out",
        str(path),
    )
    rows = read_back(path.read_bytes())
    assert sorted(r[0] for r in rows[1:]) == ["R-不受理", "R-放弃", "R-视为受理", "R-超期"]
    # A township sees the cases it is respondent in.
    cli("export", "reconsideration", "--unit", county.town_b.code, "--out", str(path))
    assert sorted(r[0] for r in read_back(path.read_bytes())[1:]) == [
        "R-中止中和解",
        "R-补正",
        "R-视为受理",
    ]
    out = cli(
        "export", "litigation", "--unit", county.town_a.code, "--year", "2025", "--out", str(path)
    )
    assert "1 件" in out
    lines = read_back(path.read_bytes())
    assert len(lines) == 3  # header + one row per hearing
    header = lines[0]
    assert [line[header.index("开庭日期")] for line in lines[1:]] == [
        dt.datetime(2025, 5, 12),  # noqa: DTZ001 — Excel cells hold naive datetimes
        dt.datetime(2025, 6, 3),  # noqa: DTZ001 — Excel cells hold naive datetimes
    ]
    assert {line[header.index("案号")] for line in lines[1:]} == {"（2025）湘0199行初5号"}
    assert lines[1][header.index("出庭负责人类别")] == "正职"
    assert lines[1][header.index("是否败诉")] == "是"
    assert lines[1][header.index("关联复议案号")] == "R-视为受理结案"
