"""Uploads are judged by their content: allow-list, disguise, re-encoding, limits."""

import hashlib
import io

import pytest
from PIL import Image

from cases.lib.uploads import check_upload, clean_filename
from complaints_site.common.exceptions import ApplicationError, PayloadTooLargeError
from tests.support import files


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


# Active content (finding 8): web pages, SVG with script, scripts and programs are refused,
# by name and by content; a web page attached to a mail is kept as inert text instead.
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("statement.html", files.HTML_PAGE),
        ("statement.htm", b"just words"),
        ("chart.svg", files.SVG_WITH_SCRIPT),
        ("chart.txt", files.SVG_WITH_SCRIPT),
        ("page", files.HTML_PAGE),
        ("helper.js", files.JAVASCRIPT),
        ("update.hta", files.HTA),
        ("fix.bat", files.BATCH),
        ("fix.cmd", files.BATCH),
        ("fix.ps1", b"Invoke-Expression $x"),
        ("fix.txt", files.SHELL),
        ("setup.exe", files.WINDOWS_EXE),
        ("invoice.pdf.exe", files.pdf()),
        ("macro.docm", files.docx()),
    ],
)
def test_active_content_is_refused(name, content):
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name=name, content=content)
    assert _code(exc_info) == "active_content"
    assert "not accepted" in exc_info.value.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("receipt.html", files.HTML_PAGE),
        ("chart.svg", files.SVG_WITH_SCRIPT),
        ("receipt", files.HTML_PAGE),
    ],
)
def test_a_web_page_attached_to_mail_is_kept_as_inert_text(name, content):
    checked = check_upload(name=name, content=content, neutralise_markup=True)
    assert checked.neutralised
    assert checked.content_type == "text/plain"
    assert checked.extension == ".txt"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("helper.js", files.JAVASCRIPT),
        ("fix.bat", files.BATCH),
        ("setup.exe", files.WINDOWS_EXE),
    ],
)
def test_scripts_attached_to_mail_are_still_refused(name, content):
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name=name, content=content, neutralise_markup=True)
    assert _code(exc_info) == "active_content"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("statement.png", files.pdf(), "disguised"),  # a PDF renamed .png
        ("screenshot.pdf", files.png(), "disguised"),  # a PNG named .pdf
        ("letter.pdf", files.docx(), "disguised"),
        ("notes.docx", b"plain words", "disguised"),
        ("data.dat", b"plain words", "type_not_allowed"),  # an extension in no family
        ("photo.heic", files.png(), "type_not_allowed"),
    ],
)
def test_extension_must_belong_to_the_sniffed_family(name, content, code):
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name=name, content=content)
    assert _code(exc_info) == code


@pytest.mark.parametrize(
    ("name", "content", "mime", "extension"),
    [
        ("Photo.JPEG", files.jpeg_with_exif(), "image/jpeg", ".jpg"),
        ("anim.gif", files.gif(), "image/png", ".png"),
        ("export.json", b'{"a": 1}', "application/json", ".json"),
        ("broken.json", b"{not json", "text/plain", ".txt"),
        (
            "forwarded.eml",
            b"From: a@example.com\r\nSubject: x\r\n\r\nbody",
            "message/rfc822",
            ".eml",
        ),
        ("trades.tsv", b"a\tb\n1\t2\n", "text/csv", ".csv"),
        ("readme", b"plain words", "text/plain", ".txt"),
    ],
)
def test_stored_type_and_extension_come_from_the_content(name, content, mime, extension):
    checked = check_upload(name=name, content=content)
    assert (checked.content_type, checked.extension) == (mime, extension)


def test_the_pixel_flood_of_the_finding_is_refused_before_decoding():
    """40 MP of one colour in 131 KB: over the pixel cap. (bench/uploads.py times it.)"""
    flood = files.pixel_flood()
    assert len(flood) < 200_000
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name="screenshot.png", content=flood)
    assert _code(exc_info) == "image_too_large"


def test_many_pixels_in_few_bytes_are_refused_under_the_cap():
    """12 MP (under the 25 MP cap, over a 4K screen) in a few KB: too many pixels per byte."""
    flood = files.pixel_flood(size=(4000, 3000))
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name="screenshot.png", content=flood)
    assert _code(exc_info) == "image_too_sparse"


def test_pixels_per_byte_spare_real_photos(settings):
    # Scaled down: a budget of 1,000 free pixels and 64 per byte; a noisy (photo-like) image
    # of 65,536 pixels passes, the same size in one colour (under 1 KB) does not.
    settings.EVIDENCE_IMAGE_FREE_PIXELS = 1000
    photo = files.noisy_png(size=(256, 256))
    assert check_upload(name="photo.png", content=photo).content_type == "image/png"
    with pytest.raises(ApplicationError) as exc_info:
        check_upload(name="flat.png", content=files.png(size=(256, 256)))
    assert _code(exc_info) == "image_too_sparse"


def test_format_characters_are_dropped_from_names():
    # U+202E (right-to-left override) would show "invoice\u202egnp.exe" as "invoiceexe.png".
    assert clean_filename("invoice\u202egnp.exe") == "invoicegnp.exe"
