"""/api/v1/inbound/: signed webhooks of the intake channels (email, social)."""

from django.urls import path

from channels.api.email import InboundEmailApi
from channels.api.social import InboundSocialApi

urlpatterns = [
    path("email/", InboundEmailApi.as_view(), name="api-inbound-email"),
    path("social/", InboundSocialApi.as_view(), name="api-inbound-social"),
]
