"""Checking an uploaded file by its content, never by its name or declared type.

Allowed: images (JPEG, PNG, GIF, WebP; re-encoded, which drops metadata and anything appended
to the image, such as the HTML of a polyglot), PDF, CSV and plain text (UTF-8, or the GB18030
family common in Chinese exports), and common office formats (OOXML and OpenDocument ZIP
containers without macros, bounded in entries and unpacked size; legacy OLE2 .doc/.xls).
A name whose extension claims another type than the content is refused as disguised.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from complaints_site.common.exceptions import ApplicationError, PayloadTooLargeError

IMAGE_TYPES = {
    "image/jpeg": (".jpg", "JPEG"),
    "image/png": (".png", "PNG"),
    "image/gif": (".png", "PNG"),
    "image/webp": (".png", "PNG"),
}
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Extension families: a name may use any extension of the family its content belongs to.
FAMILIES = {
    "image": {".jpg", ".jpeg", ".png", ".gif", ".webp", ".jfif"},
    "pdf": {".pdf"},
    "text": {".txt", ".csv", ".log", ".text", ".tsv"},
    "office": {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".doc", ".xls", ".ppt"},
}


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    original_sha256: str
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def refuse(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {"file": [message]}, "code": code})


def clean_filename(name: str) -> str:
    """The last path component, without control characters, at most 200 characters."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(". ")
    return (base or "upload")[-200:]


def _family_of_name(name: str) -> str | None:
    suffix = PurePosixPath(name.lower()).suffix
    for family, suffixes in FAMILIES.items():
        if suffix in suffixes:
            return family
    return None


def _reencode_image(content: bytes, mime: str) -> tuple[bytes, str, str]:
    extension, fmt = IMAGE_TYPES[mime]
    limit = settings.EVIDENCE_MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as probe:
            width, height = probe.size
            if width * height > limit:
                raise refuse(_("The image is too large (too many pixels)."), "image_too_large")
            probe.load()
            image = probe.convert("RGB") if fmt == "JPEG" else probe.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refuse(_("The image is damaged or not really an image."), "bad_image") from None
    if fmt == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue(), ("image/jpeg" if fmt == "JPEG" else "image/png"), extension


def _check_zip_office(content: bytes) -> tuple[str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refuse(_("The document is damaged."), "bad_document") from None
    if len(infos) > settings.EVIDENCE_MAX_ARCHIVE_ENTRIES or (
        sum(i.file_size for i in infos) > settings.EVIDENCE_MAX_ARCHIVE_UNPACKED_BYTES
    ):
        raise refuse(_("The document unpacks to too much data."), "archive_too_large")
    names = {i.filename for i in infos}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse(_("Documents with macros are not accepted."), "macro")
    if "mimetype" in names:
        declared = archive.read("mimetype").decode("ascii", "replace").strip()
        if declared in OPENDOCUMENT:
            return declared, OPENDOCUMENT[declared]
    if "[Content_Types].xml" in names:
        for prefix, (mime, extension) in OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return mime, extension
    raise refuse(_("This type of file is not accepted."), "type_not_allowed")


def _as_text(content: bytes) -> str | None:
    if b"\x00" in content:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text[:20000])
        if printable >= 0.98 * min(len(text), 20000):
            return text
    return None


def check_upload(*, name: str, content: bytes) -> CheckedFile:
    """Accept or refuse one file. Raises PayloadTooLargeError (413) or ApplicationError (400)
    with ``code`` in its extra: empty, too_large, type_not_allowed, disguised, bad_image, ..."""
    name = clean_filename(name)
    if len(content) > settings.EVIDENCE_MAX_FILE_BYTES:
        message = _("The file is larger than %(limit)s MB.") % {
            "limit": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024)
        }
        raise PayloadTooLargeError(
            message, extra={"errors": {"file": [message]}, "code": "too_large"}
        )
    if not content:
        raise refuse(_("The file is empty."), "empty")
    original_sha256 = hashlib.sha256(content).hexdigest()
    kind = filetype.guess(content)
    mime = kind.mime if kind else ""
    if mime in IMAGE_TYPES:
        family = "image"
        stored, mime, extension = _reencode_image(content, mime)
    elif mime == "application/pdf":
        family, stored, extension = "pdf", content, ".pdf"
    elif mime == "application/zip" or content[:4] == b"PK\x03\x04":
        family, stored = "office", content
        mime, extension = _check_zip_office(content)
    elif content[:8] == OLE2_MAGIC:
        family, stored = "office", content
        mime, extension = "application/x-ole-storage", ".doc"
        for suffix in (".xls", ".ppt"):
            if name.lower().endswith(suffix):
                extension = suffix
    elif kind is None and _as_text(content) is not None:
        family, stored = "text", content
        is_csv = name.lower().endswith((".csv", ".tsv"))
        mime, extension = ("text/csv", ".csv") if is_csv else ("text/plain", ".txt")
    else:
        raise refuse(_("This type of file is not accepted."), "type_not_allowed")
    claimed = _family_of_name(name)
    if claimed is not None and claimed != family:
        raise refuse(_("The file's content does not match its name."), "disguised")
    return CheckedFile(
        content=stored,
        content_type=mime,
        extension=extension,
        original_sha256=original_sha256,
        original_name=name,
    )
