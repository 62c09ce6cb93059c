"""/portal/: the customer portal."""

from django.urls import path

from cases.portal import followup, inbox, offers, security, views

app_name = "portal"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/reply/", views.case_reply, name="case_reply"),
    path("cases/<str:reference>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "cases/<str:reference>/offers/<int:version>/accept/",
        offers.offer_accept,
        name="offer_accept",
    ),
    path(
        "cases/<str:reference>/offers/<int:version>/reject/",
        offers.offer_reject,
        name="offer_reject",
    ),
    # The signed link of the offer email: no sign-in (cases.portal.offers).
    path("offers/<str:token>/", offers.offer_link, name="offer_link"),
    path(
        "cases/<str:reference>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("cases/<str:reference>/letter/", followup.letter_page, name="letter"),
    path("cases/<str:reference>/letter/pdf/", followup.letter_pdf, name="letter_pdf"),
    path("cases/<str:reference>/reopen/", followup.case_reopen, name="case_reopen"),
    path("surveys/<str:token>/", followup.survey_page, name="survey"),
    path("surveys/<str:token>/reopen/", followup.survey_reopen, name="survey_reopen"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:notification_id>/", inbox.inbox_item, name="inbox_item"),
    path("settings/security/", security.security, name="security"),
]
