"""行政执法数据 (case-level 许可/处罚/强制/征收/征用/检查 records) in the shared parts: the
records register (pages, API, export), the upload page and its background job, ``fazhi import
enforcement_data`` (streaming CSV/.xlsx), the metrics of chapter 五, the daily staging cleanup
and the demo county's year of records."""

from __future__ import annotations

import datetime as dt

from fazhi.core.kit import AppKit, NavEntry, declare

ORDER = 61  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/enforcement-data/records/"


def sweep_deadlines(today: dt.date) -> str:
    """Staged rows of ingests that died are removed (nothing of them was ever visible), and on
    PostgreSQL the yearly partitions of this year and the next exist."""
    from fazhi.enforcement_data.ingest import staging_cleanup
    from fazhi.enforcement_data.partitions import sweep

    said = f"执法数据中断导入的暂存行清除 {staging_cleanup()} 条"
    partitions = sweep(today)
    return f"{said}，{partitions}" if partitions else said


KIT = declare(
    AppKit(
        app="enforcement_data",
        order=ORDER,
        url_prefix="enforcement-data/",
        urls="fazhi.enforcement_data.views",
        api_prefix="/enforcement-data",
        api="fazhi.enforcement_data.api:router",
        nav=(NavEntry("执法数据", LIST_URL, order=36),),
        sweep="fazhi.enforcement_data.kit:sweep_deadlines",
        excel={"enforcement_data": "fazhi.enforcement_data.excel:REGISTER"},
        metric_fixture="fixtures/metrics.json",
        report_sentences="fixtures/report_sentences.json",
        dashboard_metrics=(
            "enforcement_data.records",
            "enforcement_data.decision_publicity_rate",
        ),
        audit_names={
            "enforcement_data.ingest": "行政执法数据·批量导入",
            "enforcement_data.partition_create": "行政执法数据·新建年度分区",
            "enforcement_data.rejected_download": "行政执法数据·下载拒收行",
        },
        demo_county="fazhi.enforcement_data.demo:fill",
        demo_scale="fazhi.enforcement_data.demo_scale:seed",
    )
)
