"""The register kit's registry: every app declares itself in ``fazhi/<app>/kit.py``; settings,
URLs, API, navigation, home tiles, the sweep, Excel, metric fixtures, the dashboard and the demo
fillers loop over the kits, and the shared parts name no domain app."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from tests.personas import County

from fazhi.core import kit as kit_module
from fazhi.core.context import nav_entries
from fazhi.core.excel import excel_register, excel_registers
from fazhi.core.kit import (
    AppKit,
    KitError,
    NavEntry,
    Segment,
    Tile,
    hooks,
    kit_for,
    kits,
    resolve,
)
from fazhi.core.kit_apps import KitOrderError, discover_apps, kit_order
from fazhi.orgs.roles import Cap

SRC = Path(__file__).resolve().parents[2] / "src" / "fazhi"
APPS = [
    "orgs",
    "accounts",
    "metrics",
    "reconsideration",
    "legality",
    "litigation",
    "normative_docs",
    "decisions",
    "filing_review",
    "enforcement",
    "enforcement_training",
    "plans",
    "enforcement_data",
    "enforcement_oversight",
    "case_review",
    "assessments",
    "mediation",
    "study",
    "statements",
    "counsel",
    "reports",
    "portal",
    "jobs",
    "demo",
]
#: the registers that ship metric definitions (issue 16: 合法性审查, 规范性文件, 重大行政决策)
#: issue 17 the 行政执法 apps, issue 18 人民调解, 学法, 述法 and 法律顾问, issue 19 考核督察
METRIC_APPS = [
    "reconsideration",
    "legality",
    "litigation",
    "normative_docs",
    "decisions",
    "enforcement",
    "enforcement_training",
    "plans",
    "enforcement_data",
    "enforcement_oversight",
    "case_review",
    "assessments",
    "mediation",
    "study",
    "statements",
    "counsel",
]
DOMAIN = (
    "reconsideration",
    "legality",
    "litigation",
    "normative_docs",
    "decisions",
    "filing_review",
    "enforcement",
    "enforcement_training",
    "enforcement_data",
    "enforcement_oversight",
    "case_review",
    "assessments",
    "mediation",
    "study",
    "statements",
    "counsel",
    "plans",
    "reports",
    "metrics",
    "portal",
    "demo",
)

#: The navigation as it was before the kits (label, URL, capability), in order.
NAV = [
    ("首页", "/", None),
    ("年度计划与督办", "/plans/", Cap.VIEW_RECORDS),
    ("本单位任务", "/plans/mine/", Cap.VIEW_RECORDS),
    ("提醒", "/plans/reminders/", Cap.VIEW_RECORDS),
    ("行政复议", "/reconsideration/cases/", Cap.VIEW_RECORDS),
    ("行政应诉", "/litigation/cases/", Cap.VIEW_RECORDS),
    # issue 16: the 制度与决策 registers replace their greyed-out entries
    ("规范性文件", "/normative/documents/", Cap.VIEW_RECORDS),
    ("合法性审查", "/legality/reviews/", Cap.VIEW_RECORDS),
    ("备案审查", "/filing-review/filings/", Cap.VIEW_RECORDS),
    ("重大行政决策", "/decisions/decisions/", Cap.VIEW_RECORDS),
    ("审查建议", "/filing-review/suggestions/", Cap.VIEW_RECORDS),
    # issue 17: the 行政执法 apps (the first replaces the greyed-out 行政执法 entry)
    ("行政执法", "/enforcement/officers/", Cap.VIEW_RECORDS),
    ("执法培训", "/enforcement-training/hours/", Cap.VIEW_RECORDS),
    ("执法数据", "/enforcement-data/records/", Cap.VIEW_RECORDS),
    ("三项制度", "/enforcement-oversight/", Cap.VIEW_RECORDS),
    ("案卷评查", "/case-review/campaigns/", Cap.VIEW_RECORDS),
    # issue 18: 人民调解, 学法, 述法 and 法律顾问
    ("人民调解", "/mediation/cases/", Cap.VIEW_RECORDS),
    ("学法", "/study/sessions/", Cap.VIEW_RECORDS),
    ("述法", "/statements/records/", Cap.VIEW_RECORDS),
    ("法律顾问", "/counsel/roster/", Cap.VIEW_RECORDS),
    ("领导驾驶舱", "/metrics/dashboard/", Cap.VIEW_RECORDS),
    ("统计分析", "/metrics/", Cap.VIEW_RECORDS),
    ("考核督察", "/assessments/", Cap.VIEW_RECORDS),
    ("年度报告", "/reports/", Cap.VIEW_RECORDS),
    ("单位信息", "/orgs/units/", Cap.VIEW_RECORDS),
    ("账号管理", "/accounts/users/", Cap.MANAGE_UNITS),  # issue 13 item 15
    ("后台任务", "/jobs/", Cap.VIEW_RECORDS),  # issue 15: imports run as background jobs
    ("期限计算", "/deadlines/", None),
    ("节假日安排", "/calendar/", None),  # “节假日维护” for the top 系统管理员 (item 25)
    ("岗位授权", "/orgs/memberships/", Cap.MANAGE_ROLES),
    ("审计日志", "/audit/", Cap.READ_AUDIT),
    ("接口令牌", "/accounts/tokens/", Cap.MANAGE_ROLES),  # issue 14: revocation
]


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, AppKit]:
    """The declared kits, as a copy a test may change (restored afterwards)."""
    kits()  # discovered
    copy = dict(kit_module._KITS)
    monkeypatch.setattr(kit_module, "_KITS", copy)
    return copy


# --- discovery and order ---------------------------------------------------------------------
def test_installed_apps_are_the_packages_with_a_kit_in_order() -> None:
    ours = [name for name in settings.INSTALLED_APPS if name.startswith("fazhi.")][1:]
    assert ours[0] == "fazhi.core"
    assert ours[1 : 1 + len(APPS)] == [f"fazhi.{app}" for app in APPS]
    assert discover_apps(SRC) == [f"fazhi.{app}" for app in APPS]


def test_kits_come_in_the_installed_order_and_agree_with_order_constants() -> None:
    found = [k for k in kits() if k.app in APPS]
    assert [k.app for k in found] == APPS
    for kit in found:
        module = importlib.import_module(f"fazhi.{kit.app}.kit")
        assert module.ORDER == kit.order == kit_order(SRC / kit.app / "kit.py")
        assert kit_for(kit.app) is kit
        assert kit.package_path() == SRC / kit.app


def test_kit_order_is_read_without_importing(tmp_path: Path) -> None:
    for name, text in {
        "b": "ORDER = 5\nraise RuntimeError('never imported')\n",
        "a": "ORDER: int = 5\n",
        "first": '"""doc"""\nfrom x import y\nORDER = 1\n',
        "core": "ORDER = 0\n",  # the registry itself: always listed by the settings
        "nokit": None,
        "notapackage": "ORDER = 2\n",
    }.items():
        (tmp_path / name).mkdir()
        if name != "notapackage":
            (tmp_path / name / "__init__.py").write_text("")
        if text is not None:
            (tmp_path / name / "kit.py").write_text(text)
    assert discover_apps(tmp_path, "pkg") == ["pkg.first", "pkg.a", "pkg.b"]


@pytest.mark.parametrize("text", ["", "ORDER = 'late'\n", "ORDER = 1 + 2\n", "ORDER = True\n"])
def test_a_kit_without_a_literal_order_fails_loudly(tmp_path: Path, text: str) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "kit.py").write_text(text)
    with pytest.raises(KitOrderError, match=r"kit\.py 应在模块顶层声明整数常量 ORDER"):
        discover_apps(tmp_path)


def test_extra_apps_come_from_the_environment() -> None:
    env = {**os.environ, "FAZHI_EXTRA_APPS": "tests.kit_app, tests.other_app"}
    code = "import fazhi.settings as s; print(','.join(s.INSTALLED_APPS[-3:]))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "fazhi.demo,tests.kit_app,tests.other_app"


def test_a_kit_of_an_app_not_installed_is_ignored(registry: dict[str, AppKit]) -> None:
    kit_module.declare(AppKit(app="not_installed", order=0, nav=(NavEntry("幽灵", "/x/"),)))
    assert "not_installed" not in [k.app for k in kits()]
    assert "幽灵" not in [e.label for e in nav_entries()]
    with pytest.raises(KitError, match="not_installed"):
        kit_for("not_installed")


# --- resolve ---------------------------------------------------------------------------------
def test_resolve_finds_attributes_and_modules() -> None:
    assert resolve("fazhi.core.kit:resolve") is resolve
    assert resolve("fazhi.core.kit") is kit_module


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("fazhi.nothing_here.kit:fill", "模块 fazhi.nothing_here.kit 不存在"),
        ("fazhi.core.kit:nothing_here", "模块 fazhi.core.kit 没有 nothing_here"),
        (":fill", "应为“模块:属性”"),
    ],
)
def test_resolve_names_the_target_it_cannot_load(target: str, words: str) -> None:
    with pytest.raises(KitError) as info:
        resolve(target)
    assert words in str(info.value)
    assert target in str(info.value)


def test_an_import_error_inside_a_module_is_not_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kit_broken_module.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as info:
        resolve("kit_broken_module:fill")
    assert not isinstance(info.value, KitError)
    assert info.value.name == "no_such_dependency_xyz"


# --- navigation --------------------------------------------------------------------------------
def test_navigation_is_the_same_as_before_the_kits() -> None:
    assert [(e.label, e.url, e.cap) for e in nav_entries()] == NAV


@pytest.mark.parametrize(
    ("persona", "hidden"),
    [
        ("clerk_a", {"岗位授权", "接口令牌", "审计日志", "账号管理"}),
        (
            "auditor",
            {label for label, _, cap in NAV if cap == Cap.VIEW_RECORDS}
            | {"岗位授权", "接口令牌", "账号管理"},
        ),
    ],
)
def test_navigation_shows_what_the_actor_may_use(
    county: County, persona: str, hidden: set[str]
) -> None:
    response = county.client(persona).get("/")
    labels = [item.label for item in response.context["nav"]]
    assert labels == [label for label, _, _ in NAV if label not in hidden]


def test_a_built_module_replaces_its_greyed_out_entry(registry: dict[str, AppKit]) -> None:
    registry.pop("assessments")  # the real 考核督察 module: the greyed entry comes back
    assert ("考核督察", None) in [(e.label, e.url) for e in nav_entries()]
    portal = registry["portal"]
    registry["portal"] = AppKit(
        app="portal", order=portal.order, nav=(NavEntry("考核督察", "/portal/kh/", order=60),)
    )
    entries = [(e.label, e.url) for e in nav_entries()]
    assert entries.count(("考核督察", "/portal/kh/")) == 1
    assert ("考核督察", None) not in entries
    assert entries.index(("考核督察", "/portal/kh/")) == 22


# --- home tiles --------------------------------------------------------------------------------
def _tiles(actor: Any, today: dt.date) -> list[Tile]:
    line = (Segment("执法案卷评查（"), Segment("建设中", "error"), Segment("）"))
    return [Tile("行政执法", None, line)]


def test_home_tiles_come_from_the_kits(county: County) -> None:
    from fazhi.reconsideration.services import case_receive

    case_receive(
        actor=county.actor("dept_clerk"),
        unit=county.dept,
        received_on=dt.date(2024, 2, 7),
        act_category="penalty",
        respondent=county.town_a,
    )
    assert [k.app for k, _ in hooks("home_tiles")] == [
        "reconsideration",
        "legality",
        "litigation",
        "normative_docs",
        "decisions",
        "filing_review",
        "enforcement",
        "enforcement_training",
        "enforcement_oversight",
        "case_review",
        "assessments",
        "mediation",
        "study",
        "statements",
        "counsel",
    ]
    html = county.client("dept_clerk").get("/").content.decode()
    assert (
        '<a class="tile" href="/reconsideration/cases/?overdue=1"><strong>行政复议</strong>'
        '<span>在办 1 件，<b class="error">逾期 1 件</b></span></a>'
    ) in html
    assert (
        '<a class="tile" href="/litigation/cases/"><strong>行政应诉</strong>'
        "<span>审理中 0 件</span></a>"
    ) in html
    assert html.index("行政复议</strong>") < html.index("行政应诉</strong>")
    assert html.index("行政应诉</strong>") < html.index("法定期限计算")


def test_a_tile_without_a_link_is_greyed_out(county: County, registry: dict[str, AppKit]) -> None:
    portal = registry["portal"]
    registry["portal"] = AppKit(app="portal", order=portal.order, home_tiles=f"{__name__}:_tiles")
    html = county.client("clerk_a").get("/").content.decode()
    assert (
        '<div class="tile soon"><strong>行政执法</strong>'
        '<span>执法案卷评查（<b class="error">建设中</b>）</span></div>'
    ) in html


def test_tiles_need_the_right_to_view_records(county: County) -> None:
    html = county.client("auditor").get("/").content.decode()
    assert "行政复议</strong>" not in html


# --- the other hooks ---------------------------------------------------------------------------
def test_sweep_hooks_run_in_kit_order() -> None:
    assert [k.app for k, _ in hooks("sweep")] == [
        "reconsideration",
        "legality",
        "litigation",
        "normative_docs",
        "decisions",
        "enforcement",
        "enforcement_training",
        "plans",
        "enforcement_data",
        "enforcement_oversight",
        "assessments",
        "mediation",
        "study",
        "statements",
        "counsel",
        "reports",
    ]


def test_excel_registers_come_from_the_kits() -> None:
    assert list(excel_registers()) == [
        "reconsideration",
        "legality",
        "litigation",
        "normative_docs",
        "decisions",
        "enforcement_officers",
        "enforcement_training",
        "enforcement_data",
        "mediation",
        "mediation_committees",
        "mediation_mediators",
        "study",
        "study_exams",
        "statements",
        "counsel",
        "counsel_participations",
    ]
    assert excel_register("litigation").key == "litigation"
    with pytest.raises(
        LookupError,
        match=(
            "未知的台账：nope（可选：reconsideration、legality、litigation、normative_docs、decisions、"
            "enforcement_officers、enforcement_training、enforcement_data、mediation、"
            "mediation_committees、mediation_mediators、study、study_exams、statements、counsel、"
            "counsel_participations）"
        ),
    ):
        excel_register("nope")


def test_dashboard_key_metrics_come_from_the_kits_in_order() -> None:
    from fazhi.metrics.dashboard import key_codes

    assert key_codes() == (
        "reconsideration.received",
        "reconsideration.closed",
        "reconsideration.correction_rate",
        "reconsideration.on_time_rate",
        "legality.reviews",
        "legality.on_time_rate",
        "litigation.cases",
        "litigation.loss_rate",
        "litigation.head_rate_hearing",
        "normative_docs.issued",
        "normative_docs.filing_on_time_rate",
        "decisions.decided",
        "decisions.procedure_rate",
        "enforcement.certified",
        "enforcement.expired",
        "enforcement.reviewer_ratio",
        "enforcement_training.met_rate",
        "enforcement_data.records",
        "enforcement_data.decision_publicity_rate",
        "enforcement_oversight.major_decisions",
        "enforcement_oversight.publication_on_time_rate",
        "case_review.files",
        "case_review.pass_rate",
        "mediation.cases",
        "mediation.success_rate",
        "study.target_met_rate",
        "statements.coverage_rate",
        "counsel.coverage_rate",
    )


def test_each_register_ships_its_own_metric_definitions() -> None:
    from fazhi.metrics.services import DEFINITIONS_FIXTURE, definition_fixtures

    files = definition_fixtures()
    assert files == [SRC / app / "fixtures" / "metrics.json" for app in METRIC_APPS]
    for path in files:
        codes = [d["code"] for d in json.loads(path.read_text(encoding="utf-8"))["definitions"]]
        assert codes and all(code.startswith(f"{path.parent.parent.name}.") for code in codes)
    combined = json.loads(DEFINITIONS_FIXTURE.read_text(encoding="utf-8"))
    # 23, the three 2026 纠错 versions (issue 13 item 6), 平均办理天数（扣除中止） and the
    # 2026 versions of 实质性化解率 and 被申请复议数 (item 8): 29; issue 16 adds 合法性审查 15
    # (one count per category), 规范性文件 12 and 重大行政决策 6; issue 17 执法人员 7, 执法培训 8,
    # 执法数据 12, 三项制度 4 and 案卷评查 9; issue 18 人民调解 18 (5 and one count per type of
    # dispute), 学法 11, 述法 4 and 法律顾问 11 (4 and one count per kind of participation);
    # issue 19 考核督察 7
    assert len(combined["definitions"]) == (
        29 + 15 + 12 + 6 + 7 + 8 + 12 + 4 + 9 + 18 + 11 + 4 + 11 + 7
    )


@pytest.mark.django_db
def test_a_definition_shipped_twice_fails_loudly(tmp_path: Path) -> None:
    from fazhi.metrics.engine import DefinitionError
    from fazhi.metrics.services import DEFINITIONS_FIXTURE, metric_definitions_sync

    data = json.loads(DEFINITIONS_FIXTURE.read_text(encoding="utf-8"))
    data["definitions"].append(data["definitions"][0])
    path = tmp_path / "defs.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"reconsideration\.received（2020年起）.*不止一次"):
        metric_definitions_sync(path=path)


def test_demo_fillers_come_from_the_kits_named_by_app() -> None:
    from fazhi.demo.generator import county_fillers

    found = county_fillers()
    assert [name for name, _ in found] == [
        "reconsideration",
        "legality",
        "litigation",
        "normative_docs",
        "decisions",
        "filing_review",
        "enforcement",
        "enforcement_training",
        "plans",
        "enforcement_data",
        "enforcement_oversight",
        "case_review",
        "assessments",
        "mediation",
        "study",
        "statements",
        "counsel",
        "reports",
    ]
    for name, fill in found:
        assert name == importlib.import_module(fill.__module__).NAME  # the RNGs' name


# --- the shared parts name no domain app -------------------------------------------------------
def test_shared_parts_name_no_domain_app() -> None:
    pattern = re.compile(rf"fazhi\.({'|'.join(DOMAIN)})\b")
    shared = [
        *(SRC / app for app in ("core", "orgs", "accounts")),
        SRC / "urls.py",
        SRC / "api.py",
        SRC / "settings.py",
    ]
    files = [p for root in shared for p in ([root] if root.is_file() else root.rglob("*.py"))]
    offending = [
        f"{path.relative_to(SRC)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offending == []


# --- the portal's public pages and header links --------------------------------------------
@pytest.mark.django_db
def test_portal_pages_and_links_come_from_the_kits(client: Any) -> None:
    from django.urls import reverse

    from fazhi.portal.templatetags.portal_nav import portal_links

    assert [(k.app, k.portal_prefix) for k in kit_module.kits() if k.portal_urls] == [
        ("filing_review", "library/")
    ]
    assert reverse("portal:library") == "/portal/library/"
    assert [(e.label, e.url) for e in portal_links()] == [
        ("年度报告", "/portal/reports/"),
        ("规范性文件库", "/portal/library/"),
    ]
    html = client.get("/portal/reports/").content.decode()
    assert (
        '<nav class="portal-nav"><a href="/portal/reports/">年度报告</a> '
        '<a href="/portal/library/">规范性文件库</a></nav>'
    ) in html


def test_portal_links_follow_their_order(registry: dict[str, AppKit]) -> None:
    from fazhi.portal.templatetags.portal_nav import portal_links

    portal = registry["portal"]
    registry["portal"] = AppKit(
        app="portal", order=portal.order, portal_nav=(NavEntry("公告", "/portal/x/", order=15),)
    )
    assert [e.label for e in portal_links()] == ["公告", "规范性文件库"]
