"""Checking an uploaded file by its content AND its name, never by its declared type.

Evidence is allowed by family and extension (`FAMILIES`): each family lists the extensions a name
may use and the content types its bytes may be sniffed as. Images (JPEG, PNG, GIF, WebP) are
re-encoded, which drops metadata and anything appended (the HTML of a polyglot); PDF; office
documents (OOXML and OpenDocument ZIP containers without macros, bounded in entries and unpacked
size; legacy OLE2 .doc/.xls/.ppt); text (UTF-8 or the GB18030 family common in Chinese exports:
.txt, .csv, .json, .eml). A name whose extension belongs to another family than the content is
refused as disguised; an extension in no family is refused.

Active content is refused: web pages and SVG, scripts (JavaScript, HTA, batch, shell,
PowerShell, ...) and programs, by extension and by content. The one exception is a mail
attachment that is a web page (`neutralise_markup`): mail must not lose what the customer sent,
so its markup is stored as inert plain text (`.txt`, `text/plain`) and never served as HTML.

The stored extension and content type come from the verified content, never from the user; the
user's name is kept only cleaned, for display (`Evidence.download_name` pairs its stem with the
verified extension). Malware scanning is `cases.lib.scanning`, run by `evidence_add` after this
check.
"""

from __future__ import annotations

import hashlib
import io
import json
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
OLE2_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}


@dataclass(frozen=True)
class Family:
    extensions: frozenset[str]
    content_types: frozenset[str]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The allow-list: a file is accepted only when its sniffed content type is one of a family's
# and its name's extension (if any) is one of the same family's.
FAMILIES: dict[str, Family] = {
    "image": Family(
        frozenset({".jpg", ".jpeg", ".jfif", ".png", ".gif", ".webp"}),
        frozenset(IMAGE_TYPES),
    ),
    "pdf": Family(frozenset({".pdf"}), frozenset({"application/pdf"})),
    "office": Family(
        frozenset({".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", *OLE2_TYPES}),
        frozenset({*(m for m, _e in OOXML.values()), *OPENDOCUMENT, *OLE2_TYPES.values()}),
    ),
    "text": Family(
        frozenset({".txt", ".text", ".log", ".csv", ".tsv", ".json", ".eml"}),
        frozenset({"text/plain", "text/csv", "application/json", "message/rfc822"}),
    ),
}
# Web pages and images that can carry script: refused, or neutralised for mail attachments.
MARKUP_EXTENSIONS = _words(".html .htm .xhtml .xht .shtml .mht .mhtml .svg .svgz .xml .xsl .xslt")
# Scripts, programs, shortcuts, installers, disk images and macro-enabled office files: refused
# whatever they contain.
ACTIVE_EXTENSIONS = MARKUP_EXTENSIONS | _words(
    """
    .js .mjs .cjs .jse .vbs .vbe .wsf .wsh .wsc .hta .sct .bat .cmd .com .exe .dll .scr .pif
    .cpl .msi .msp .msc .ps1 .psm1 .psd1 .ps1xml .sh .bash .zsh .ksh .csh .command .py .pyw .pl
    .rb .php .phtml .asp .aspx .jsp .cgi .jar .class .apk .app .dmg .deb .rpm .elf .run .lnk
    .url .scf .reg .inf .chm .application .appref-ms .gadget .swf .xbap .docm .xlsm .pptm
    .dotm .xltm .potm .iso .img .vhd .vhdx .wasm
    """
)
# A text whose first tag is one of these is a web page or an SVG image, not plain text.
MARKUP_STARTS = (
    "<!doctype",
    "<html",
    "<svg",
    "<?xml",
    "<head",
    "<body",
    "<script",
    "<iframe",
    "<hta:",
    "<object",
    "<embed",
    "<meta",
    "<!--",
)


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    original_sha256: str
    original_name: str
    # True when a web page (mail attachment) was kept as inert text.
    neutralised: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def refuse(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {"file": [message]}, "code": code})


def clean_filename(name: str) -> str:
    """The last path component, without control or format characters (a right-to-left override
    cannot turn ``gnp.exe`` into ``exe.png`` on screen), at most 200 characters."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(". ")
    return (base or "upload")[-200:]


def name_extension(name: str) -> str:
    """The lower-case extension of a (cleaned) name, '' when it has none."""
    return PurePosixPath(name.lower()).suffix


def _family_of_extension(suffix: str) -> str | None:
    for family, spec in FAMILIES.items():
        if suffix in spec.extensions:
            return family
    return None


def _active_content() -> ApplicationError:
    return refuse(
        _(
            "Web pages, scripts and programs are not accepted as evidence. "
            "Please send a screenshot or a PDF instead."
        ),
        "active_content",
    )


def _reencode_image(content: bytes, mime: str) -> tuple[bytes, str, str]:
    """Decode and re-encode an image, after bounding the work from its header alone.

    Pillow reads only the header on open, so the pixel count is known before anything is
    decoded. Decoding and re-encoding cost is proportional to the pixels (about 30 ns each
    here), so two bounds apply: a hard cap (EVIDENCE_MAX_IMAGE_PIXELS) and, above a size any
    screen produces (EVIDENCE_IMAGE_FREE_PIXELS), a floor on the bytes sent per pixel
    (EVIDENCE_IMAGE_MAX_PIXELS_PER_BYTE): a 131 KB one-colour PNG of 40 MP is refused before
    it costs a second of CPU, while real photos (a few pixels per byte) pass.
    """
    extension, fmt = IMAGE_TYPES[mime]
    try:
        with Image.open(io.BytesIO(content)) as probe:
            width, height = probe.size
            pixels = width * height
            if pixels > settings.EVIDENCE_MAX_IMAGE_PIXELS:
                raise refuse(_("The image is too large (too many pixels)."), "image_too_large")
            allowance = max(
                settings.EVIDENCE_IMAGE_FREE_PIXELS,
                settings.EVIDENCE_IMAGE_MAX_PIXELS_PER_BYTE * len(content),
            )
            if pixels > allowance:
                raise refuse(
                    _(
                        "The image has very many pixels for its file size. Please crop it or "
                        "send it as a JPEG or PDF."
                    ),
                    "image_too_sparse",
                )
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


def _is_markup(text: str) -> bool:
    """A web page or SVG: the document opens with a tag that a browser would act on. (Programs
    need no such test: their bytes are not text, and no family admits them.)"""
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return head.startswith(MARKUP_STARTS)


def _looks_like_mail(text: str) -> bool:
    head = text[:4096].lower()
    return any(head.startswith(h) or f"\n{h}" in head for h in ("from:", "received:", "subject:"))


def _text_type(text: str, suffix: str) -> tuple[str, str]:
    """The content type and stored extension of plain text, from what the text really is."""
    if suffix in (".csv", ".tsv"):
        return "text/csv", ".csv"
    if suffix == ".json":
        try:
            json.loads(text)
        except ValueError:
            return "text/plain", ".txt"
        return "application/json", ".json"
    if suffix == ".eml" and _looks_like_mail(text):
        return "message/rfc822", ".eml"
    return "text/plain", ".txt"


def check_upload(*, name: str, content: bytes, neutralise_markup: bool = False) -> CheckedFile:
    """Accept or refuse one file. Raises PayloadTooLargeError (413) or ApplicationError (400)
    with ``code`` in its extra: empty, too_large, active_content, type_not_allowed, disguised,
    bad_image, image_too_large, image_too_sparse, macro, archive_too_large, bad_document.

    `neutralise_markup` (mail attachments): a web page or SVG is kept as plain text instead of
    being refused; scripts and programs are refused all the same."""
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
    suffix = name_extension(name)
    markup_name = suffix in MARKUP_EXTENSIONS
    if suffix in ACTIVE_EXTENSIONS and not (neutralise_markup and markup_name):
        raise _active_content()
    original_sha256 = hashlib.sha256(content).hexdigest()
    kind = filetype.guess(content)
    mime = kind.mime if kind else ""
    claimed = _family_of_extension(suffix)
    neutralised = False
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
        extension = suffix if suffix in OLE2_TYPES else ".doc"
        mime = OLE2_TYPES[extension]
    elif kind is None and (text := _as_text(content)) is not None:
        family, stored = "text", content
        if _is_markup(text) or markup_name or text.startswith("#!"):
            if claimed not in (None, "text"):
                raise refuse(_("The file's content does not match its name."), "disguised")
            if not neutralise_markup or text.startswith("#!"):
                raise _active_content()
            # Kept for the record as inert text: stored and served as text/plain, never HTML.
            neutralised = True
            mime, extension = "text/plain", ".txt"
        else:
            mime, extension = _text_type(text, suffix)
    else:
        raise refuse(_("This type of file is not accepted."), "type_not_allowed")
    if suffix and not neutralised:
        if claimed is None:
            raise refuse(
                _("Files ending in %(extension)s are not accepted.") % {"extension": suffix},
                "type_not_allowed",
            )
        if claimed != family:
            raise refuse(_("The file's content does not match its name."), "disguised")
    # The allow-list is the last word: nothing leaves here with a type outside its family.
    if mime not in FAMILIES[family].content_types:
        raise refuse(_("This type of file is not accepted."), "type_not_allowed")
    return CheckedFile(
        content=stored,
        content_type=mime,
        extension=extension,
        original_sha256=original_sha256,
        original_name=name,
        neutralised=neutralised,
    )
