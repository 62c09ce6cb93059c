"""Presentation lives in static files (issue 12, item 7): no template of ours holds a `style=`
attribute, a `<style>` block or a `<script>` without `src=`. The Content-Security-Policy
refuses inline scripts, and styles are meant to follow; a template that brought one back
would break the page under the policy or weaken it."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

STYLE_ATTRIBUTE = re.compile(r"(?<![\w-])style\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
SCRIPT_SOURCE = re.compile(r"\ssrc\s*=", re.IGNORECASE)


def _our_template_dirs() -> list[Path]:
    """The site's template folders and those of every installed app of ours: inside the
    repository and not an installed package (a virtualenv may sit inside the repository too)."""
    root = Path(settings.BASE_DIR).resolve()
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [Path(config.path) / "templates" for config in apps.get_app_configs()]
    return sorted(
        {
            f.resolve()
            for f in folders
            if f.is_dir()
            and f.resolve().is_relative_to(root)
            and "site-packages" not in f.resolve().parts
        }
    )


def _our_templates() -> list[Path]:
    return sorted({path for folder in _our_template_dirs() for path in folder.rglob("*.html")})


def _offences(text: str) -> list[str]:
    found = [f"style attribute: {m.group(0)!r}" for m in STYLE_ATTRIBUTE.finditer(text)]
    found += [f"style block: {m.group(0)!r}" for m in STYLE_BLOCK.finditer(text)]
    found += [
        f"script without src: {m.group(0)!r}"
        for m in SCRIPT_TAG.finditer(text)
        if not SCRIPT_SOURCE.search(m.group(0))
    ]
    return found


def test_the_walk_finds_the_templates_of_every_app_with_pages():
    root = Path(settings.BASE_DIR).resolve()
    names = {path.relative_to(root).parts[0] for path in _our_templates()}
    assert {"cases", "channels", "complaints_site"} <= names
    assert len(_our_templates()) > 30


def test_no_template_holds_inline_styles_or_scripts():
    root = Path(settings.BASE_DIR).resolve()
    offences = [
        f"{path.relative_to(root)}: {offence}"
        for path in _our_templates()
        for offence in _offences(path.read_text(encoding="utf-8"))
    ]
    assert offences == [], "\n".join(offences)


def test_the_check_catches_each_kind_of_inline_presentation():
    assert _offences('<p style="color: red">') == ["style attribute: 'style='"]
    assert _offences("<STYLE>p { color: red }</STYLE>") == ["style block: '<STYLE'"]
    assert _offences("<script>alert(1)</script>") == ["script without src: '<script>'"]
    assert _offences('<script type="module">go()</script>') != []
    assert _offences("<script src=\"{% static 'channels/chat.js' %}\" defer></script>") == []
    assert _offences('<div data-style="x" class="cx-pre">') == []
