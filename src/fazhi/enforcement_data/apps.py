from django.apps import AppConfig


class EnforcementDataConfig(AppConfig):
    name = "fazhi.enforcement_data"
    label = "enforcement_data"
    verbose_name = "行政执法数据"

    def ready(self) -> None:
        # PostgreSQL: the records table's primary key is (id, year) (partitioned by year).
        from fazhi.enforcement_data.partitions import guard_group_by

        guard_group_by()
