"""Staff screens of the intake channels, one module per channel."""

from channels.admin import chat, email, social  # noqa: F401
