"""Admin for the chat channel."""
