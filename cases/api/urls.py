"""/api/v1/ routes of the cases app (cases, messages, evidence)."""

urlpatterns: list = []
