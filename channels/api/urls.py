"""/api/v1/inbound/: signed webhooks of the intake channels (email, social)."""

urlpatterns: list = []
