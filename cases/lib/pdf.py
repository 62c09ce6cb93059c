"""PDF documents with Chinese and English text (fpdf2): letters and case files.

`pdf_render` lays out a title and sections (a heading, paragraphs, a two-column label/value
table) on A4 pages with the footer text and "n/N" at the foot of each page, and returns the
bytes. Each heading is an entry of the PDF outline (the reader's bookmarks). The same inputs
give the same bytes: the creation date is `created_at` and the file id is a hash of the content.

Fonts (docs/pdf.md): `PDF_FONT_PATH` names a CJK font file (TTF/OTF, or a TTC/OTC collection,
whose Simplified Chinese face is taken); empty means the first of `WELL_KNOWN_CJK_FONTS` that
exists (Debian's fonts-noto-cjk first). Headings use `PDF_FONT_BOLD_PATH` when it is set,
otherwise the regular face drawn with a thin outline: a second CJK face costs about as much
again to load and subset as the first (0.5-0.8 s a document). With no CJK font at all, text in
Windows-1252 (Latin-1 and typographic quotes and dashes) is set in the PDF core font Helvetica
and anything else raises PdfFontMissing.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTCollection, TTLibError
from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos

log = logging.getLogger(__name__)

# Tried in order when PDF_FONT_PATH is empty or not a font file.
WELL_KNOWN_CJK_FONTS: tuple[str, ...] = (
    # Debian/Ubuntu fonts-noto-cjk (CI installs it), Fedora, Arch.
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    # Debian fonts-wqy-zenhei, fonts-arphic-uming, fonts-droid-fallback.
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
FONT_HINT = (
    "install a CJK font (Debian: apt-get install fonts-noto-cjk) or set PDF_FONT_PATH to a "
    "TTF/OTF/TTC font file with Chinese glyphs"
)
CORE_ENCODING = "windows-1252"
_COLLECTION_SUFFIXES = (".ttc", ".otc")
# A face of a collection whose family name says Simplified Chinese ("Noto Sans CJK SC").
_SIMPLIFIED_FACE = re.compile(r"\b(SC|GB|Hans|CN)\b")

# Layout. The document's unit is the point (1/72 in); MM converts millimetres.
MM = 72 / 25.4
MARGIN = 20 * MM
FOOTER_TOP = 16 * MM  # the footer starts this far above the page's bottom edge
TITLE_PT, HEADING_PT, BODY_PT, FOOTER_PT = 16, 12.5, 10.5, 8
LEADING = 1.5  # line height / font size
LABEL_SHARE = 0.38  # the label column takes at most this share of the line
CELL_GAP = 4 * MM
# Synthetic bold: the glyphs are also stroked, with a line this share of the font size.
FAUX_BOLD_STROKE = 0.025
# Stands for the number of pages in the footer; it is switched on only there, so a text that
# happens to contain it is printed as it is. fpdf2 reserves the width of as many digits as the
# alias has characters: two, so that "n/N" ends at the margin up to 99 pages.
PAGES_ALIAS = "##"

# Line breaking: a break is allowed at a space, and before and after any CJK character, except
# before closing punctuation and after opening punctuation (the kinsoku rules).
_NO_BREAK_BEFORE = frozenset("，。、；：？！）》」』】〕〉〗’”…‥·・ー々%,.;:?!)]}")  # noqa: RUF001
_NO_BREAK_AFTER = frozenset("（《「『【〔〈〖‘“([{")  # noqa: RUF001
_SPACES = frozenset(" \u3000")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class PdfFontMissing(Exception):
    """The text needs a CJK font and none was found."""


@dataclass(frozen=True, kw_only=True)
class PdfSection:
    heading: str  # becomes a PDF outline entry (bookmark)
    paragraphs: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()  # a two-column label/value table

    def __post_init__(self) -> None:
        if isinstance(self.paragraphs, str):
            raise TypeError("paragraphs is a tuple of strings, not one string")


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int = 0  # the face within a TTC/OTC collection


@dataclass(frozen=True)
class PdfFonts:
    regular: FontFace | None  # None: the PDF core font Helvetica, Windows-1252 text only
    bold: FontFace | None = None  # None: synthetic bold of the regular face


def pdf_render(
    *,
    title: str,
    sections: Sequence[PdfSection],
    created_at: datetime,
    author: str = "",
    subject: str = "",
    footer: str = "",
) -> bytes:
    """The PDF of `title` and `sections`, byte for byte the same for the same arguments.

    `created_at` must be timezone-aware (it is the document's creation date). Raises
    PdfFontMissing when the text is not Windows-1252 and no CJK font is installed or configured.
    """
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    fonts = pdf_fonts()
    texts = [title, footer]
    for section in sections:
        texts += [
            section.heading,
            *section.paragraphs,
            *(text for row in section.rows for text in row),
        ]
    if fonts.regular is None:
        _require_core_encodable(texts)

    doc = _Document(fonts=fonts, footer=_clean(footer))
    doc.set_creation_date(created_at)
    doc.set_title(title)
    if author:
        doc.set_author(author)
    if subject:
        doc.set_subject(subject)
    doc.add_page()
    doc.write_title(_clean(title))
    for section in sections:
        doc.write_section(section)
    return bytes(doc.output())


def pdf_fonts() -> PdfFonts:
    """The fonts `pdf_render` uses now (from the settings, discovered once per process)."""
    return _discover(settings.PDF_FONT_PATH.strip(), settings.PDF_FONT_BOLD_PATH.strip())


@functools.cache
def _discover(regular_path: str, bold_path: str) -> PdfFonts:
    regular = None
    if regular_path:
        regular = _face(regular_path)
        if regular is None:
            log.warning(
                "PDF_FONT_PATH %r is not a readable font; looking for a CJK font", regular_path
            )
    if regular is None:
        regular = next(filter(None, map(_face, WELL_KNOWN_CJK_FONTS)), None)
    if regular is None:
        log.warning("no CJK font for PDF documents: %s", FONT_HINT)
        return PdfFonts(regular=None)
    bold = _face(bold_path) if bold_path else None
    if bold_path and bold is None:
        log.warning(
            "PDF_FONT_BOLD_PATH %r is not a readable font; headings in synthetic bold", bold_path
        )
    return PdfFonts(regular=regular, bold=bold)


def _face(path: str) -> FontFace | None:
    """The face to use in `path` (a collection's Simplified Chinese one), or None if unusable."""
    if not Path(path).is_file():
        return None
    if not path.lower().endswith(_COLLECTION_SUFFIXES):
        return FontFace(path)
    try:
        collection = TTCollection(path, lazy=True)
        names = [face["name"].getDebugName(1) or "" for face in collection.fonts]
    except (OSError, TTLibError, KeyError) as exc:
        log.warning("cannot read the font collection %s: %s", path, exc)
        return None
    index = next((i for i, name in enumerate(names) if _SIMPLIFIED_FACE.search(name)), 0)
    return FontFace(path, index)


def _require_core_encodable(texts: Sequence[str]) -> None:
    for text in map(_clean, texts):
        try:
            text.encode(CORE_ENCODING)
        except UnicodeEncodeError as exc:
            bad = text[exc.start : exc.end]
            raise PdfFontMissing(
                f"the PDF text contains {bad!r}, which needs a CJK font, and none was found: "
                f"{FONT_HINT}"
                + (
                    f" (PDF_FONT_PATH={settings.PDF_FONT_PATH!r} is not a readable font file)"
                    if settings.PDF_FONT_PATH.strip()
                    else ""
                )
            ) from None


def _clean(text: str) -> str:
    """Newlines for line ends and paragraph separators, spaces for tabs, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n").replace("\t", "    ")
    return _CONTROL.sub("", text)


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _units(text: str) -> list[str]:
    """`text` cut where a line may break: words, runs of spaces, and CJK characters, each with
    the punctuation that must stay on its line."""
    units: list[str] = []
    for char in text:
        prev = units[-1] if units else ""
        if char in _SPACES:
            glue = bool(prev) and prev[0] in _SPACES
        else:
            glue = (
                bool(prev)
                and prev[0] not in _SPACES
                and (
                    char in _NO_BREAK_BEFORE
                    or prev[-1] in _NO_BREAK_AFTER
                    or not (_is_cjk(char) or _is_cjk(prev[-1]))
                )
            )
        if glue:
            units[-1] += char
        else:
            units.append(char)
    return units


class _Document(FPDF):
    def __init__(self, *, fonts: PdfFonts, footer: str) -> None:
        # Points, not millimetres: fpdf2 2.8 writes the stroke width of stroked text (synthetic
        # bold) in document units where the PDF reads points.
        super().__init__(orientation="portrait", unit="pt", format="A4")
        self.footer_text = footer
        self.char_widths: dict[tuple[str, str, float, str], float] = {}
        self.faux_bold = fonts.regular is not None and fonts.bold is None
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0  # text starts at the margin, and a full line ends at the other one
        self.set_auto_page_break(auto=True, margin=FOOTER_TOP + 6 * MM)
        self.alias_nb_pages(None)
        self.set_creator("Complaints back office")
        if fonts.regular is None:
            self.core_fonts_encoding = CORE_ENCODING
            self.body_family = "helvetica"
        else:
            self.body_family = "body"
            self.add_font(
                "body", "", fonts.regular.path, collection_font_number=fonts.regular.index
            )
            if fonts.bold is not None:
                self.add_font("body", "B", fonts.bold.path, collection_font_number=fonts.bold.index)
        self.set_font(self.body_family, "", BODY_PT)

    @contextmanager
    def bold(self, size: float) -> Iterator[None]:
        """Text in bold at `size` points inside the block (the state is restored after it)."""
        if self.faux_bold:
            style = {"text_mode": TextMode.FILL_STROKE, "line_width": size * FAUX_BOLD_STROKE}
        else:
            style = {"font_style": "B"}
        with self.local_context(font_size_pt=size, **style):
            yield

    def line_height(self) -> float:
        return self.font_size_pt * LEADING

    def text_width(self, text: str) -> float:
        """`get_string_width` from a table of the characters' widths (fpdf2 sets no kerning
        without text shaping), which costs a fraction of a call per character."""
        font = (self.font_family, self.font_style, self.font_size_pt)
        total = 0.0
        for char in text:
            width = self.char_widths.get((*font, char))
            if width is None:
                width = self.char_widths[(*font, char)] = self.get_string_width(char)
            total += width
        return total

    # --- line breaking ---------------------------------------------------------------------

    def wrap(self, text: str, width: float) -> list[str]:
        """`text` as lines no wider than `width` in the current font (a newline breaks one)."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines += self._wrap_paragraph(paragraph, width)
        return lines

    def _wrap_paragraph(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        line, line_width = "", 0.0

        def close() -> None:
            nonlocal line, line_width
            lines.append(line.rstrip(" \u3000"))
            line, line_width = "", 0.0

        for unit in _units(text):
            space = unit[0] in _SPACES
            if space and not line and lines:
                continue  # a wrapped line starts with no space (the first keeps its indent)
            unit_width = self.text_width(unit)
            if line_width + unit_width <= width:
                line, line_width = line + unit, line_width + unit_width
            elif space:
                close()  # the space that does not fit is the line break
            elif unit_width <= width:
                if line:
                    close()
                line, line_width = unit, unit_width
            else:
                # Longer than a line (a URL, a hash): cut between any two characters.
                for char in unit:
                    char_width = self.text_width(char)
                    if line and line_width + char_width > width:
                        close()
                    line, line_width = line + char, line_width + char_width
        close()
        return lines

    # --- blocks ----------------------------------------------------------------------------

    def write_lines(self, lines: Sequence[str]) -> None:
        height = self.line_height()
        for line in lines:
            self.cell(self.epw, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def write_title(self, title: str) -> None:
        with self.bold(TITLE_PT):
            self.write_lines(self.wrap(title, self.epw))
        self.ln(3 * MM)

    def write_section(self, section: PdfSection) -> None:
        heading = _clean(section.heading)
        with self.bold(HEADING_PT):
            lines = self.wrap(heading, self.epw)
            height = len(lines) * self.line_height()
        # A heading goes to the next page rather than end this one without its first lines.
        if self.will_page_break(3 * MM + height + 2 * BODY_PT * LEADING):
            self.add_page()
        self.ln(3 * MM)
        self.start_section(" ".join(heading.split()), level=0)
        with self.bold(HEADING_PT):
            self.write_lines(lines)
        self.ln(1 * MM)
        for paragraph in section.paragraphs:
            self.write_lines(self.wrap(_clean(paragraph), self.epw))
            self.ln(2 * MM)
        if section.rows:
            self.write_rows(section.rows)

    def write_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        """A label/value table: labels in grey on the left, a rule between rows."""
        height = self.line_height()
        widest = max(self.text_width(_clean(label)) for label, _ in rows)
        label_width = min(widest + 1, self.epw * LABEL_SHARE)
        value_width = self.epw - label_width - CELL_GAP
        self.rule()
        for label, value in rows:
            labels = self.wrap(_clean(label), label_width)
            values = self.wrap(_clean(value), value_width)
            labels += [""] * (len(values) - len(labels))
            values += [""] * (len(labels) - len(values))
            self.ln(1 * MM)
            for label_line, value_line in zip(labels, values, strict=True):
                with self.local_context(text_color=90):
                    self.cell(label_width + CELL_GAP, height, label_line)
                self.cell(value_width, height, value_line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(1 * MM)
            self.rule()
        self.ln(3 * MM)

    def rule(self) -> None:
        with self.local_context(draw_color=190, line_width=0.5):
            self.line(self.l_margin, self.y, self.l_margin + self.epw, self.y)

    def header(self) -> None:
        self.alias_nb_pages(None)

    def footer(self) -> None:
        """The footer text on the left (two lines at most), "page/pages" on the right."""
        with self.local_context(
            font_style="", font_size_pt=FOOTER_PT, text_color=110, text_mode=TextMode.FILL
        ):
            height = self.line_height()
            number_width = self.get_string_width("0000/00") + 2 * MM
            text_width = self.epw - number_width
            lines = self.wrap(self.footer_text, text_width)[:2] if self.footer_text else [""]
            self.set_y(-FOOTER_TOP)
            for line in lines:
                self.cell(text_width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_xy(self.l_margin + text_width, -FOOTER_TOP)
            # On until the next page's header: the last footer is drawn inside output(), which
            # substitutes the alias only while it is on.
            self.alias_nb_pages(PAGES_ALIAS)
            self.cell(number_width, height, f"{self.page_no()}/{PAGES_ALIAS}", align="R")
