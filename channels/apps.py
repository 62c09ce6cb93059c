from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """Intake channels (web form, API, email, chat, social). Not the Django Channels package."""

    name = "channels"
    label = "intake_channels"
    verbose_name = _("Intake channels")

    def ready(self) -> None:
        from channels import checks  # noqa: F401 (registers the system checks)
