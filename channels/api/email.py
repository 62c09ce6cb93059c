"""Signed inbound webhook for the email channel (being built)."""

from rest_framework.views import APIView


class InboundEmailApi(APIView):
    pass
