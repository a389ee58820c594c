from typing import Any

from django.apps import AppConfig


class EnforcementOversightConfig(AppConfig):
    name = "fazhi.enforcement_oversight"
    label = "enforcement_oversight"
    verbose_name = "行政执法监督"

    def ready(self) -> None:
        from fazhi.enforcement_data.signals import inspections_loaded

        inspections_loaded.connect(_alerts_refresh, dispatch_uid="enforcement_oversight.alerts")


def _alerts_refresh(sender: Any, **kwargs: Any) -> None:
    """An ingest batch loaded 涉企 inspections: recompute their enterprises' stored alerts."""
    from fazhi.enforcement_oversight.services import alerts_refresh

    alerts_refresh(
        codes=kwargs["codes"], start=kwargs["start"], end=kwargs["end"], unit=kwargs["unit"]
    )
