"""/portal/chat/: live chat for signed-in portal users."""

from django.urls import path

from channels.portal import views

app_name = "chat"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/messages/", views.messages, name="messages"),
    path("<int:pk>/post/", views.post, name="post"),
    path("<int:pk>/close/", views.close, name="close"),
]
