"""/api/v1/ routes of the cases app (cases, messages, evidence, offers)."""

from django.conf import settings
from django.urls import path

from cases.api.offers import OfferAcceptApi, OfferListApi, OfferRejectApi
from cases.api.views import (
    BenchNoopApi,
    CaseDetailApi,
    CaseMessagesApi,
    CasesApi,
    EvidenceCreateApi,
)

urlpatterns = [
    path("cases/", CasesApi.as_view(), name="api-cases"),
    path("cases/<str:reference>/", CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<str:reference>/messages/", CaseMessagesApi.as_view(), name="api-case-messages"),
    path("cases/<str:reference>/evidence/", EvidenceCreateApi.as_view(), name="api-case-evidence"),
    path("cases/<str:reference>/offers/", OfferListApi.as_view(), name="api-case-offers"),
    # As the issue names them: no trailing slash after the verb.
    path(
        "cases/<str:reference>/offers/<str:version>/accept",
        OfferAcceptApi.as_view(),
        name="api-offer-accept",
    ),
    path(
        "cases/<str:reference>/offers/<str:version>/reject",
        OfferRejectApi.as_view(),
        name="api-offer-reject",
    ),
]

# The benchmark's do-nothing ceiling (bench/intake.py); never routed otherwise.
if settings.BENCH_NOOP_ENDPOINT:
    urlpatterns.append(path("bench/noop/", BenchNoopApi.as_view(), name="api-bench-noop"))
