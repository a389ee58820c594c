from django.apps import AppConfig, apps


class MetricsConfig(AppConfig):
    name = "fazhi.metrics"
    verbose_name = "统计指标"

    def ready(self) -> None:
        from django.db.models.signals import (
            post_delete,
            post_migrate,
            post_save,
            pre_delete,
            pre_save,
        )

        from fazhi.core import excel
        from fazhi.metrics import facts
        from fazhi.metrics.models import MetricDefinition
        from fazhi.metrics.signals import sync_definitions_after_migrate
        from fazhi.orgs.slots import units_moved

        post_migrate.connect(sync_definitions_after_migrate, sender=self)
        # Monthly facts follow every write to a register row (see fazhi.metrics.facts). Connected
        # per register model: a delete listener for every model would disable fast deletes.
        for model in apps.get_models():
            if facts.watchable(model):
                uid = f"fazhi.metrics.facts.{model._meta.label}"
                pre_save.connect(facts.before_write, sender=model, dispatch_uid=f"{uid}.pre_save")
                post_save.connect(facts.after_write, sender=model, dispatch_uid=f"{uid}.post_save")
                pre_delete.connect(facts.before_write, sender=model, dispatch_uid=f"{uid}.pre_del")
                post_delete.connect(facts.after_write, sender=model, dispatch_uid=f"{uid}.post_del")
        units_moved.connect(facts.on_units_moved, dispatch_uid="fazhi.metrics.facts.moved")
        # An Excel import refreshes the facts once per batch (issue 15; core.excel).
        if facts.facts_deferred not in excel.batch_scopes:
            excel.batch_scopes.append(facts.facts_deferred)
        post_save.connect(
            facts.on_definition_change,
            sender=MetricDefinition,
            dispatch_uid="fazhi.metrics.facts.definition",
        )
