"""POST /api/v1/cases/{reference}/evidence/: one file, checked by content, within limits."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import Case, CaseEvent, Evidence
from tests.support.api import URL, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(exchange):
    return exchange.post(URL, body(), format="json").json()["reference"]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _upload(client, reference, name, content, **extra):
    return client.post(
        f"{URL}{reference}/evidence/",
        {"file": SimpleUploadedFile(name, content), **extra},
        format="multipart",
    )


def test_a_real_png_is_stored_with_its_sha256(exchange, reference):
    content = _png()
    response = _upload(exchange, reference, "screenshot.png", content, description="The error")

    assert response.status_code == 201, response.json()
    data = response.json()
    evidence = Evidence.objects.get(pk=data["id"])
    assert evidence.case.reference == reference
    assert data["content_type"] == "image/png"
    assert data["original_sha256"] == hashlib.sha256(content).hexdigest()
    # Re-encoded: what is stored is hashed as stored.
    stored = evidence.file.open("rb").read()
    assert data["sha256"] == evidence.sha256 == hashlib.sha256(stored).hexdigest()
    assert evidence.channel == "api"
    assert evidence.description == "The error"
    assert CaseEvent.objects.filter(case=evidence.case, type="evidence.added").count() == 1


def test_the_customer_uploads_on_their_own_case(customer_client, reference):
    response = _upload(customer_client, reference, "statement.csv", b"date,amount\n1,2\n")
    assert response.status_code == 201
    assert response.json()["content_type"] == "text/csv"


def test_an_executable_named_png_is_refused(exchange, reference):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
    response = _upload(exchange, reference, "receipt.png", exe)
    assert response.status_code == 400
    data = response.json()
    assert data["errors"]["file"] == ["This type of file is not accepted."]
    assert data["code"] == "type_not_allowed"
    assert not Evidence.objects.exists()


def test_html_named_png_is_refused_as_disguised(exchange, reference):
    html = b"<html><body><script>alert(1)</script></body></html>"
    response = _upload(exchange, reference, "receipt.png", html)
    assert response.status_code == 400
    assert response.json()["code"] == "disguised"
    assert response.json()["errors"]["file"] == ["The file's content does not match its name."]
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_413(exchange, reference, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024 * 1024
    response = _upload(exchange, reference, "big.txt", b"a" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["errors"]["file"] == ["The file is larger than 1 MB."]
    assert not Evidence.objects.exists()


def test_the_case_file_quota_is_413(exchange, reference, settings):
    settings.EVIDENCE_MAX_FILES_PER_CASE = 1
    assert _upload(exchange, reference, "one.txt", b"first").status_code == 201
    response = _upload(exchange, reference, "two.txt", b"second")
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_files"
    assert Evidence.objects.filter(case=Case.objects.get(reference=reference)).count() == 1


def test_missing_file_is_400(exchange, reference):
    response = exchange.post(f"{URL}{reference}/evidence/", {}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]


def test_an_empty_file_is_400(exchange, reference):
    response = _upload(exchange, reference, "empty.txt", b"")
    assert response.status_code == 400
    assert response.json()["code"] == "empty"


def test_json_instead_of_multipart_is_415(exchange, reference):
    response = exchange.post(f"{URL}{reference}/evidence/", {"file": "x"}, format="json")
    assert response.status_code == 415
