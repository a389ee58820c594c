from django.apps import AppConfig


class KitExampleConfig(AppConfig):
    name = "tests.kit_example"
    label = "kit_example"
    verbose_name = "法律顾问（示例台账）"
