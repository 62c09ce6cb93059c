"""The PDF helper (cases/lib/pdf.py), read back with pypdf.

The Chinese tests need a CJK font: CI installs Debian's fonts-noto-cjk (.ci/run), and they fail
rather than skip without one. Each render with it costs about 0.7 s (loading and subsetting the
font), so the sample document is rendered once for the tests that only read it.

fpdf2 encodes the text of a CID-keyed (CFF) font such as Noto CJK with an embedded CMap. poppler
(pdftotext, evince) reads it as written; pypdf 7.1 takes the codes as one byte each, so for the
first 255 glyphs of a document it yields each character after a NUL and puts spaces between the
glyphs. Text is compared with NULs and whitespace removed.
"""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from cases.lib import pdf
from cases.lib.pdf import PdfFontMissing, PdfSection, pdf_fonts, pdf_render

CREATED = datetime(2026, 3, 20, 8, 30, tzinfo=UTC)
TITLE = "关于您投诉的最终答复 Final response to complaint CX-2026-0000427"
URL = "https://exchange.example/withdrawals/" + "0123456789abcdef" * 17  # 309 characters
SECTIONS = (
    PdfSection(
        heading="一、投诉概要 Summary",
        paragraphs=(
            "尊敬的张先生：感谢您就“提币延迟”一事向我们提出投诉。我们已完成调查，现函告如下。",
            "Dear Mr Zhang, thank you for your complaint about the delayed withdrawal.",
            "The placeholder {nb} is printed as it is.",
        ),
        rows=(("案件编号", "CX-2026-0000427"), ("Outcome", "部分支持 Upheld in part")),
    ),
    PdfSection(heading="二、调查经过", paragraphs=("我们调取了提币记录和风控日志。" * 40,) * 5),
    PdfSection(heading="三、您的权利 Your rights", paragraphs=("如您不满意，可申请仲裁。",)),
)
# Windows-1252, beyond Latin-1: the euro sign, a dash, a typographic apostrophe.
LATIN = "We refund the fee of \u20ac2.50 \u2014 that\u2019s our final response."
FOOTER = "投诉处理部 Complaints team · CX-2026-0000427"


def render(**overrides):
    arguments = {
        "title": TITLE,
        "sections": SECTIONS,
        "created_at": CREATED,
        "author": "投诉处理部",
        "subject": "最终答复",
        "footer": FOOTER,
    }
    return pdf_render(**(arguments | overrides))


def squash(text: str) -> str:
    return "".join(text.replace("\x00", "").split())


def page_fonts(reader: PdfReader) -> set[str]:
    return {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


@pytest.fixture(autouse=True)
def fresh_font_discovery():
    pdf._discover.cache_clear()
    yield
    pdf._discover.cache_clear()


@pytest.fixture(scope="module")
def sample() -> bytes:
    if pdf_fonts().regular is None:
        pytest.fail(f"no CJK font on this machine: {pdf.FONT_HINT}")
    return render()


@pytest.fixture
def no_cjk_font(settings, monkeypatch):
    settings.PDF_FONT_PATH = "/nonexistent/fonts/NotoSansCJK-Regular.ttc"
    monkeypatch.setattr(pdf, "WELL_KNOWN_CJK_FONTS", ())


def test_chinese_and_english_text_round_trip(sample):
    reader = PdfReader(io.BytesIO(sample))
    text = squash("".join(page.extract_text() for page in reader.pages))

    for expected in (
        TITLE,
        *SECTIONS[0].paragraphs,
        "案件编号CX-2026-0000427",
        "Outcome部分支持Upheldinpart",
        SECTIONS[1].paragraphs[0],
        "如您不满意，可申请仲裁。",
    ):
        assert squash(expected) in text
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "投诉处理部"
    assert reader.metadata.subject == "最终答复"
    assert reader.metadata.creation_date == CREATED


def test_every_page_has_the_footer_and_its_number_of_pages(sample):
    reader = PdfReader(io.BytesIO(sample))
    pages = len(reader.pages)

    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert squash(f"{FOOTER} {number}/{pages}") in squash(page.extract_text())
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.1)


def test_the_embedded_font_is_the_simplified_chinese_face_of_the_cjk_font(sample):
    face = pdf_fonts().regular
    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    reader = PdfReader(io.BytesIO(sample))

    assert font["name"].getDebugName(1).endswith(" SC")
    assert page_fonts(reader) == {"/MPDFAA+" + font["name"].getBestFullName().replace(" ", "")}
    composite = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    assert composite["/Subtype"] == "/Type0"
    descriptor = composite["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert "/FontFile3" in descriptor or "/FontFile2" in descriptor  # embedded, not referenced


def test_two_renders_are_byte_identical_and_the_creation_date_is_the_only_clock(sample):
    assert render() == sample
    assert render(created_at=datetime(2026, 3, 21, 8, 30, tzinfo=UTC)) != sample


def test_paragraphs_must_be_a_tuple_not_one_string():
    with pytest.raises(TypeError, match="tuple of strings"):
        PdfSection(heading="Summary", paragraphs="One paragraph")


def test_a_naive_creation_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        render(created_at=datetime(2026, 3, 20, 8, 30))  # noqa: DTZ001


def test_each_heading_is_an_outline_entry_on_its_page(sample):
    reader = PdfReader(io.BytesIO(sample))

    entries = [(entry.title, reader.get_destination_page_number(entry)) for entry in reader.outline]

    assert [title for title, _ in entries] == [section.heading for section in SECTIONS]
    assert entries[0][1] == 0
    # The long second section pushes the third onto a later page.
    assert entries[2][1] > 0
    assert squash(SECTIONS[2].heading) in squash(reader.pages[entries[2][1]].extract_text())


def test_an_unbroken_300_character_string_wraps_within_the_margins():
    sections = (PdfSection(heading="Links", paragraphs=(f"链接：{URL}",), rows=(("URL", URL),)),)

    content = render(sections=sections)

    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert squash(f"链接：{URL}") in squash(text)
    assert squash(f"URL{URL}") in squash(text)
    document = pdf._Document(fonts=pdf_fonts(), footer="")
    for width in (document.epw, document.epw * 0.5):
        lines = document.wrap(URL, width)
        assert len(lines) > 2
        assert "".join(lines) == URL
        assert all(document.get_string_width(line) <= width for line in lines)


def test_lines_break_between_chinese_characters_and_at_spaces_not_inside_words():
    document = pdf._Document(fonts=pdf_fonts(), footer="")
    text = (
        "您好，我们已收到您的投诉（编号 CX-2026-0000427）。Your withdrawal of 0.5 BTC was "
        "delayed by our review，对此我们深表歉意。"
    ) * 4

    lines = document.wrap(text, 150)

    assert len(lines) > 4
    assert all(document.get_string_width(line) <= 150 for line in lines)
    position = 0
    for line in lines:
        assert text.startswith(line, position)
        position += len(line)
        before, after = text[position - 1], text[position : position + 1]
        if after and after != " ":  # not at a space: only next to a Chinese character
            assert pdf._is_cjk(before) or pdf._is_cjk(after), (before, after)
            assert after not in "，。）、"  # kinsoku: no closing mark starts a line
            assert before != "（"  # and no opening mark ends one
        while text[position : position + 1] == " ":
            position += 1
    assert position == len(text)


def test_chinese_text_without_a_cjk_font_fails_with_a_helpful_message(no_cjk_font):
    with pytest.raises(PdfFontMissing) as failure:
        render()

    message = str(failure.value)
    assert "fonts-noto-cjk" in message
    assert "PDF_FONT_PATH" in message
    assert "/nonexistent/fonts/NotoSansCJK-Regular.ttc" in message
    assert pdf_fonts().regular is None


def test_latin_text_renders_in_helvetica_without_a_cjk_font(no_cjk_font):
    sections = (
        PdfSection(
            heading="Summary",
            paragraphs=(LATIN,),
            rows=(("Reference", "CX-2026-0000427"),),
        ),
    )

    content = pdf_render(
        title="Final response", sections=sections, created_at=CREATED, footer="Complaints"
    )

    reader = PdfReader(io.BytesIO(content))
    text = reader.pages[0].extract_text()
    assert LATIN in text
    assert "ReferenceCX-2026-0000427" in squash(text)
    assert "Complaints" in text
    assert "1/1" in text
    assert page_fonts(reader) == {"/Helvetica", "/Helvetica-Bold"}
    assert [entry.title for entry in reader.outline] == ["Summary"]


def test_the_configured_fonts_are_used_for_text_and_headings(settings):
    noto = Path("/usr/share/fonts/opentype/noto")
    if not (noto / "NotoSerifCJK-Regular.ttc").exists():
        pytest.fail("fonts-noto-cjk is not installed (apt-get install fonts-noto-cjk)")
    settings.PDF_FONT_PATH = str(noto / "NotoSerifCJK-Regular.ttc")
    settings.PDF_FONT_BOLD_PATH = str(noto / "NotoSansCJK-Bold.ttc")

    content = render(sections=SECTIONS[:1])

    reader = PdfReader(io.BytesIO(content))
    assert page_fonts(reader) == {"/MPDFAA+NotoSerifCJKSC", "/MPDFAA+NotoSansCJKSCBold"}
    assert squash(SECTIONS[0].paragraphs[0]) in squash(reader.pages[0].extract_text())
