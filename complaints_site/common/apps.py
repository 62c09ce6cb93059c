from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "complaints_site.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        # Importing `checks` registers the deploy checks (manage.py check --deploy).
        from complaints_site.common import checks, history, tasks  # noqa: F401
        from complaints_site.common.middleware import session_lifetime_start

        history.connect_signals()
        # Seal soon after any audited row is written (not only when beat runs).
        post_save.connect(tasks.seal_soon, dispatch_uid="common.audit.seal_soon")
        # The session lifetime clocks start at sign-in (not a business flow: a session detail).
        user_logged_in.connect(session_lifetime_start, dispatch_uid="session_lifetime_start")
