"""Real-shaped files for upload tests, built in memory."""

import io
import zipfile

from PIL import Image


def png(size=(8, 8), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    Image.new("RGB", (16, 16), (10, 20, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx(*, macro: bool = False, entries: int = 3) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for i in range(entries - 2):
            archive.writestr(f"word/media/{i}.xml", "x")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    return out.getvalue()


WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML_PAGE = b"<html><script>alert(document.cookie)</script></html>"
