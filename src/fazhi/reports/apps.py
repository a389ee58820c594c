from typing import Any

from django.apps import AppConfig
from django.core import checks


class ReportsConfig(AppConfig):
    name = "fazhi.reports"
    verbose_name = "法治政府建设年度报告"

    def ready(self) -> None:
        checks.register(sentence_files_check)


def sentence_files_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``fazhi check`` (and every command that runs the checks) reads the kits' report sentence
    files: a broken one is named there, not first when a report is drafted."""
    from fazhi.core.kit import KitError
    from fazhi.reports import rules

    try:
        rules.figure_sentences()
    except KitError as exc:
        return [checks.Error(str(exc), id="reports.E001")]
    return []
