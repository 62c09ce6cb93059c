from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "complaints_site.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from complaints_site.common import checks, history, tasks

        history.connect_signals()
        checks.register()
        # Seal soon after any audited row is written (not only when beat runs).
        post_save.connect(tasks.seal_soon, dispatch_uid="common.audit.seal_soon")
