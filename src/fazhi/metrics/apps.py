from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "fazhi.metrics"
    verbose_name = "统计指标"
