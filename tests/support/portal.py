"""Files and form posts shared by the portal tests."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="screenshot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def disguised_upload(name="invoice.png") -> SimpleUploadedFile:
    # A Windows program named like a picture.
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")


def form_token(client) -> str:
    page = client.get("/portal/cases/new/").content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def complaint_data(client, **overrides) -> dict:
    data = {
        "form_token": form_token(client),
        "category": "deposit_withdrawal",
        "subject": "Deposit not credited",
        "description": "I sent 0.5 BTC on Monday and it is not in my account.",
        "related_transactions": "tx-aaa111, tx-bbb222",
    }
    data.update(overrides)
    return data


def reply_token(client, case) -> str:
    """The one-time token of the reply form on the case page, as a browser would send it."""
    page = client.get(f"/portal/cases/{case.reference}/").content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)
