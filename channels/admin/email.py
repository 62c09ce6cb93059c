"""Admin for the email channel."""
