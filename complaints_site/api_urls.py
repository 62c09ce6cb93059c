"""/api/v1/: each app adds its routes here as it grows."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


class ApiRootApi(APIView):
    """Lists the entry points of the API."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
            }
        )


urlpatterns = [
    path("", ApiRootApi.as_view(), name="api-root"),
    path("", include("cases.api.urls")),
    path("inbound/", include("channels.api.urls")),
]
