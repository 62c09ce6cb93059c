"""English and Simplified Chinese ship: every label a user or staff member sees is translated."""

import pytest
from django.utils import translation

from cases.enums import CaseState, Category, Channel, Priority, ResponsibilityParty
from cases.services.lifecycle import TRANSITIONS

LABELS = [
    *[c.label for c in CaseState],
    *[c.label for c in Category],
    *[c.label for c in Priority],
    *[c.label for c in Channel if c != Channel.API],
    *[c.label for c in ResponsibilityParty],
    *[spec.label for spec in TRANSITIONS.values()],
]


def test_every_label_has_a_chinese_translation():
    with translation.override("en"):
        english = [str(label) for label in LABELS]
    with translation.override("zh-hans"):
        chinese = [str(label) for label in LABELS]
    untranslated = [en for en, zh in zip(english, chinese, strict=True) if en == zh]
    assert untranslated == []
    assert "调查取证中" in chinese


def test_catalogue_has_no_empty_or_fuzzy_entries():
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]
    empty = [e for e in entries if e.rstrip().endswith('msgstr ""')]
    assert empty == []


@pytest.mark.django_db
def test_admin_speaks_chinese_when_asked(client, staff):
    client.force_login(staff(None, superuser=True))
    response = client.get("/admin/", headers={"accept-language": "zh-hans"})
    assert response.status_code == 200
    assert "案件" in response.content.decode()


def test_translation_tables_agree():
    """Each area keeps its zh-hans strings in tools/translations/; one msgid has one
    translation, or the last table read would silently win."""
    import importlib.util
    from pathlib import Path

    tools = Path(__file__).resolve().parents[2] / "tools"
    tables = [tools / "zh_hans.py", *sorted((tools / "translations").glob("*.py"))]
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in tables:
        spec = importlib.util.spec_from_file_location(f"zh_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for msgid, text in module.ZH.items():
            if msgid in seen and seen[msgid][1] != text:
                clashes.append((msgid, seen[msgid], (path.name, text)))
            seen.setdefault(msgid, (path.name, text))
    assert clashes == []
