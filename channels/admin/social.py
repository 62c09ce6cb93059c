"""Admin for the social channel."""
