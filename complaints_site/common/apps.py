from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "complaints_site.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from complaints_site.common import history

        history.connect_signals()
