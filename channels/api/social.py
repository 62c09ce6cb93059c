"""Signed inbound webhook for the social channel (being built)."""

from rest_framework.views import APIView


class InboundSocialApi(APIView):
    pass
