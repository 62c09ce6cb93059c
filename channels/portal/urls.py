"""/portal/chat/: live chat for signed-in portal users."""

app_name = "chat"
urlpatterns: list = []
