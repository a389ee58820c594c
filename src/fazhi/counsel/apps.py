from django.apps import AppConfig


class CounselConfig(AppConfig):
    name = "fazhi.counsel"
    label = "counsel"
    verbose_name = "法律顾问"
