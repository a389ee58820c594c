from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "fazhi.portal"
    verbose_name = "门户网站"
