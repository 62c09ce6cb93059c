from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """Intake channels (web form, API, email, chat, social). Not the Django Channels package."""

    name = "channels"
    label = "intake_channels"
    verbose_name = _("Intake channels")
