"""The signed webhook and the staff screens of the email channel."""

import hashlib
import hmac

import pytest
from django.urls import reverse

from cases.models import Case
from channels.models import InboundEmail, InboundEmailStatus
from tests.support.email import raw_of, take

pytestmark = pytest.mark.django_db
URL = "/api/v1/inbound/email/"
SECRET = "whsec-test"


def _sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.INBOUND_EMAIL_SECRET = SECRET


def test_signed_mail_opens_a_case(client):
    body = raw_of("02_gmail_alternative.eml")
    response = client.post(
        URL, data=body, content_type="message/rfc822", HTTP_X_SIGNATURE=_sign(body)
    )
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["status"] == "new_case"
    assert Case.objects.get(reference=data["case"]).channel == "email"
    assert InboundEmail.objects.get(pk=data["id"]).source == "webhook"
    again = client.post(URL, data=body, content_type="message/rfc822", HTTP_X_SIGNATURE=_sign(body))
    assert again.status_code == 200
    assert again.json()["status"] == "dropped"
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "signature",
    [None, "", "00" * 32, "not-hex", "SIGNED_WITH_OTHER_SECRET", "SIGNATURE_OF_OTHER_BODY"],
)
def test_bad_or_missing_signature_stores_nothing(client, signature):
    body = raw_of("01_outlook_plain_qp.eml")
    if signature == "SIGNED_WITH_OTHER_SECRET":
        signature = _sign(body, "another-secret")
    elif signature == "SIGNATURE_OF_OTHER_BODY":
        signature = _sign(body + b" ")
    headers = {} if signature is None else {"HTTP_X_SIGNATURE": signature}
    response = client.post(URL, data=body, content_type="message/rfc822", **headers)
    assert response.status_code == 403
    assert InboundEmail.objects.count() == 0
    assert Case.objects.count() == 0


def test_session_or_token_is_not_enough(client, staff):
    client.force_login(staff(None, superuser=True))
    body = raw_of("01_outlook_plain_qp.eml")
    assert client.post(URL, data=body, content_type="message/rfc822").status_code == 403


def test_body_is_bounded(client, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 1000
    body = raw_of("01_outlook_plain_qp.eml") + b"x" * 1000
    response = client.post(
        URL, data=body, content_type="message/rfc822", HTTP_X_SIGNATURE=_sign(body)
    )
    assert response.status_code == 413
    assert InboundEmail.objects.count() == 0


def test_webhook_is_in_the_openapi_schema(client, staff):
    client.force_login(staff(None, superuser=True))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/inbound/email/" in text
    assert "X-Signature" in text


# --- Admin -------------------------------------------------------------------------------------


@pytest.fixture
def quarantine():
    for name in ("25_from_two_addresses.eml", "26_no_from.eml", "27_garbage.eml"):
        take(raw_of(name))
    take(raw_of("01_outlook_plain_qp.eml"))
    return InboundEmail.objects.filter(status=InboundEmailStatus.QUARANTINED)


def test_quarantine_list_with_a_query_budget(
    client, staff, quarantine, django_assert_max_num_queries
):
    client.force_login(staff(None, superuser=True))
    url = reverse("admin:intake_channels_inboundemail_changelist") + "?quarantine=yes"
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "alice@example.org" in page
    assert "d.whitaker@outlook.com" not in page  # the case-opening mail is not in quarantine
    for extra in ("11_no_message_id.eml", "12_broken_boundary.eml", "03_apple_html_only.eml"):
        take(raw_of(extra))
    with django_assert_max_num_queries(12):
        assert (
            client.get(reverse("admin:intake_channels_inboundemail_changelist")).status_code == 200
        )


def test_detail_page_and_raw_download(client, staff, quarantine, django_assert_max_num_queries):
    client.force_login(staff(None, superuser=True))
    inbound = quarantine.first()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:intake_channels_inboundemail_change", args=[inbound.pk]))
    assert page.status_code == 200
    raw = client.get(reverse("admin:intake_channels_inboundemail_raw", args=[inbound.pk]))
    assert raw.status_code == 200
    assert raw["Content-Disposition"].startswith("attachment")
    assert raw["X-Content-Type-Options"] == "nosniff"
    with inbound.raw.open("rb") as handle:
        assert b"".join(raw.streaming_content) == handle.read()


def test_raw_download_needs_the_view_permission(client, staff, quarantine):
    client.force_login(staff(None))
    inbound = quarantine.first()
    response = client.get(reverse("admin:intake_channels_inboundemail_raw", args=[inbound.pk]))
    assert response.status_code in (302, 403)
    assert response.status_code != 200


def test_nobody_edits_a_raw_message(client, staff, quarantine):
    client.force_login(staff(None, superuser=True))
    inbound = quarantine.first()
    response = client.post(
        reverse("admin:intake_channels_inboundemail_change", args=[inbound.pk]), {"subject": "x"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:intake_channels_inboundemail_delete", args=[inbound.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    inbound.refresh_from_db()
    assert inbound.status == InboundEmailStatus.QUARANTINED


def test_release_to_a_new_case(client, staff, quarantine):
    client.force_login(staff(None, superuser=True))
    two = quarantine.get(subject="Joint account problem")
    response = client.post(
        reverse("admin:intake_channels_inboundemail_changelist"),
        {"action": "release_to_new_case", "_selected_action": [two.pk]},
    )
    assert response.status_code == 302
    two.refresh_from_db()
    assert two.status == InboundEmailStatus.RELEASED
    assert two.case.complainant_email == "alice@example.org"
    assert two.case.subject == "Joint account problem"


def test_support_staff_see_the_quarantine_but_not_mail_of_cases_out_of_reach(client, staff):
    """Quarantined mail is for every support agent to see; mail on a case only for those who
    reach the case (need to know)."""
    from django.urls import reverse

    from channels.models import InboundEmail, InboundEmailSource
    from channels.services.email import inbound_email_process
    from tests.factories.cases import SYSTEM

    good = (
        b"From: Someone <someone@example.org>\r\nTo: complaints@exchange.example\r\n"
        b"Subject: My deposit is missing\r\nMessage-ID: <reach-1@example.org>\r\n\r\n"
        b"My deposit is missing since Monday.\r\n"
    )
    bad = b"From: undisclosed-recipients:;\r\nMessage-ID: <reach-2@x>\r\n\r\n\xff\xfe"
    on_case = inbound_email_process(raw=good, source=InboundEmailSource.MTA, actor=SYSTEM)
    quarantined = inbound_email_process(raw=bad, source=InboundEmailSource.MTA, actor=SYSTEM)
    assert on_case.case_id is not None
    assert quarantined.status == "quarantined"
    url = reverse("admin:intake_channels_inboundemail_changelist")
    # An agent of another team: the quarantine yes, the mail of a case they cannot reach no.
    from tests.factories.cases import make_team

    outsider = staff("Support agent", teams=[make_team("security", "Security")])
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 200
    listed = {row.pk for row in response.context["cl"].result_list}
    assert listed == {quarantined.pk}
    assert InboundEmail.objects.count() == 2
    # The auditor sees both.
    client.force_login(staff("Auditor"))
    listed = {row.pk for row in client.get(url).context["cl"].result_list}
    assert listed == {on_case.pk, quarantined.pk}


# --- Nothing is read before the cheap checks (issue 11, Low) ------------------------------------


class CountingInput:
    """A WSGI input that records every read, to prove what the view never reads."""

    def __init__(self, data: bytes) -> None:
        import io

        self._data = io.BytesIO(data)
        self.bytes_read = 0
        self.largest_read = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._data.read(size)
        self.bytes_read += len(chunk)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk

    def readline(self, size: int = -1) -> bytes:
        chunk = self._data.readline(size)
        self.bytes_read += len(chunk)
        return chunk


def _through_wsgi(body: bytes, **environ):
    """POST through the whole WSGI handler (every middleware), with a counting input."""
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections
    from django.test import RequestFactory

    stream = CountingInput(body)
    env = RequestFactory()._base_environ(
        PATH_INFO=URL,
        REQUEST_METHOD="POST",
        CONTENT_TYPE="message/rfc822",
        **{"wsgi.input": stream, **environ},
    )
    if env.get("CONTENT_LENGTH") is None:
        env.pop("CONTENT_LENGTH", None)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = int(status.split()[0])

    # As Django's test client does: keep the test's database connection open.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(env, start_response)
        b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return seen["status"], stream


@pytest.mark.parametrize(
    "signature", [None, "", "not-hex", "ab" * 31, "zz" * 32, "ab" * 32 + "00", "sha256=" + "a" * 64]
)
def test_missing_or_malformed_signature_is_refused_before_reading(signature):
    body = raw_of("01_outlook_plain_qp.eml")
    extra = {} if signature is None else {"HTTP_X_SIGNATURE": signature}
    code, stream = _through_wsgi(body, CONTENT_LENGTH=str(len(body)), **extra)
    assert code == 403
    assert stream.bytes_read == 0
    assert InboundEmail.objects.count() == 0


def test_an_over_size_content_length_is_refused_before_reading(settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 1000
    body = b"x" * 5000
    code, stream = _through_wsgi(body, CONTENT_LENGTH=str(len(body)), HTTP_X_SIGNATURE=_sign(body))
    assert code == 413
    assert stream.bytes_read == 0
    # A declared 25 GB is refused just the same, without reading.
    code, stream = _through_wsgi(
        body, CONTENT_LENGTH=str(25 * 1024**3), HTTP_X_SIGNATURE=_sign(body)
    )
    assert code == 413
    assert stream.bytes_read == 0


def test_a_missing_content_length_is_refused_before_reading():
    body = raw_of("01_outlook_plain_qp.eml")
    code, stream = _through_wsgi(body, CONTENT_LENGTH=None, HTTP_X_SIGNATURE=_sign(body))
    assert code == 411
    assert stream.bytes_read == 0


def test_a_signed_body_is_read_in_bounded_chunks_and_a_wrong_one_is_refused():
    from channels.api.email import CHUNK_BYTES

    body = raw_of("01_outlook_plain_qp.eml") + b"\r\n" + b"padding line\r\n" * 20000
    code, stream = _through_wsgi(body, CONTENT_LENGTH=str(len(body)), HTTP_X_SIGNATURE=_sign(body))
    assert code == 202
    assert stream.bytes_read == len(body)
    assert 0 < stream.largest_read <= CHUNK_BYTES
    other = body.replace(b"padding", b"PADDING")
    code, _stream = _through_wsgi(
        other, CONTENT_LENGTH=str(len(other)), HTTP_X_SIGNATURE=_sign(body)
    )
    assert code == 403
    assert InboundEmail.objects.count() == 1
