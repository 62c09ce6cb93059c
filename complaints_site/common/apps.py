from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "complaints_site.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Importing `checks` registers the deploy checks (manage.py check --deploy).
        from complaints_site.common import checks, history  # noqa: F401
        from complaints_site.common.middleware import session_lifetime_start

        history.connect_signals()
        # The session lifetime clocks start at sign-in (not a business flow: a session detail).
        user_logged_in.connect(session_lifetime_start, dispatch_uid="session_lifetime_start")
