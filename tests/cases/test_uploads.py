"""Uploads are judged by their content: allow-list, disguise, re-encoding, limits."""

import hashlib
import io

import pytest
from PIL import Image

from cases.uploads import check_upload, clean_filename
from complaints_site.common.exceptions import ApplicationError, PayloadTooLargeError
from tests.cases import files


def _code(exc_info) -> str:
    return exc_info.value.extra["code"]


def test_png_is_reencoded_and_hashed():
    original = files.png()
    checked = check_upload(name="screenshot.PNG", content=original)
    assert checked.content_type == "image/png"
    assert checked.extension == ".png"
    assert checked.original_sha256 == hashlib.sha256(original).hexdigest()
    assert Image.open(io.BytesIO(checked.content)).size == (8, 8)


def test_polyglot_png_loses_its_payload():
    polyglot = files.png() + files.HTML_PAGE
    checked = check_upload(name="x.png", content=polyglot)
    assert b"<script>" not in checked.content


def test_jpeg_metadata_is_dropped():
    checked = check_upload(name="photo.jpg", content=files.jpeg_with_exif())
    assert checked.content_type == "image/jpeg"
    assert b"SecretPhoneMaker" not in checked.content


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("statement.pdf", files.pdf(), "application/pdf"),
        ("trades.csv", b"time,pair,price\n2026-01-01,BTC/USDT,1\n", "text/csv"),
        ("notes.txt", "我的提现没有到账".encode("gb18030"), "text/plain"),
        (
            "letter.docx",
            files.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("no-extension", files.pdf(), "application/pdf"),
    ],
)
def test_allowed_types(name, content, mime):
    assert check_upload(name=name, content=content).content_type == mime


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("invoice.png", files.WINDOWS_EXE, "type_not_allowed"),
        ("setup.exe", files.WINDOWS_EXE, "active_content"),
        ("cute.png", files.HTML_PAGE, "disguised"),
        ("report.pdf", files.png(), "disguised"),
        ("macro.docx", files.docx(macro=True), "macro"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "bad_image"),
        ("empty.txt", b"", "empty"),
        ("bin.dat", bytes(range(256)) * 4, "type_not_allowed"),
    ],
)
def test_refused_with_a_reason(name, content, code):
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name=name, content=content)
    assert _code(exc_info) == code
    assert exc_info.value.extra["errors"]["file"]


def test_too_large_is_413(settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1000
    with pytest.raises(PayloadTooLargeError) as exc_info:
        check_upload(name="a.txt", content=b"a" * 1001)
    assert exc_info.value.status_code == 413


def test_too_many_pixels_is_refused(settings):
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 50
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name="big.png", content=files.png(size=(10, 10)))
    assert _code(exc_info) == "image_too_large"


def test_zip_bomb_office_file_is_refused(settings):
    settings.EVIDENCE_MAX_ARCHIVE_ENTRIES = 5
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name="many.docx", content=files.docx(entries=10))
    assert _code(exc_info) == "archive_too_large"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Desktop\\shot.png", "shot.png"),
        ("a\x00b<script>.png", "abscript.png"),
        ("", "upload"),
    ],
)
def test_filenames_are_cleaned(raw, clean):
    assert clean_filename(raw) == clean
