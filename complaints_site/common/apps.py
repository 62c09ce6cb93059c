from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "complaints_site.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        # Importing the module registers the deploy checks (manage.py check --deploy).
        from complaints_site.common import checks, history  # noqa: F401

        history.connect_signals()
