from django.apps import AppConfig


class NormativeDocsConfig(AppConfig):
    name = "fazhi.normative_docs"
    label = "normative_docs"
    verbose_name = "规范性文件"
