import pytest
from django.core.management import CommandError, call_command

from cases.management.commands import draw_lifecycle
from cases.models.case import lifecycle_edges
from cases.services.lifecycle import TRANSITIONS

pytestmark = pytest.mark.django_db


def test_committed_docs_match_the_code():
    call_command("draw_lifecycle", "--check")


def test_mermaid_names_every_transition_and_edge():
    mermaid = draw_lifecycle.render_mermaid()

    assert mermaid.startswith("stateDiagram-v2\n")
    for name in TRANSITIONS:
        assert f": {name}\n" in mermaid, name
    for source, target, name in lifecycle_edges():
        assert f"    {source} --> {target}: {name}\n" in mermaid


def test_table_shows_permission_and_conditions():
    markdown = draw_lifecycle.render_markdown()

    assert "do not edit it by hand" in markdown.lower()
    accept = next(line for line in markdown.splitlines() if line.startswith("| `accept` |"))
    assert "`cases.assess_case`" in accept
    assert "Set the category, priority and team first." in accept
    resume = next(line for line in markdown.splitlines() if line.startswith("| `resume` |"))
    assert "`assessing` or `investigating`" in resume
    rows = {row.name for row in draw_lifecycle.transition_rows()}
    assert rows == set(TRANSITIONS)


def test_dot_has_every_edge():
    dot = draw_lifecycle.render_dot()

    for source, target, name in lifecycle_edges():
        assert f'"{source}" -> "{target}" [label="{name}"];' in dot


def test_output_is_deterministic():
    assert draw_lifecycle.render_markdown() == draw_lifecycle.render_markdown()
    assert draw_lifecycle.render_dot() == draw_lifecycle.render_dot()


def test_check_fails_when_a_file_drifts(tmp_path):
    call_command("draw_lifecycle", "--output-dir", str(tmp_path))
    call_command("draw_lifecycle", "--check", "--output-dir", str(tmp_path))

    dot = tmp_path / "lifecycle.dot"
    dot.write_text(dot.read_text(encoding="utf-8").replace("close", "shut"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"lifecycle\.dot"):
        call_command("draw_lifecycle", "--check", "--output-dir", str(tmp_path))

    (tmp_path / "lifecycle.md").unlink()
    with pytest.raises(CommandError, match=r"lifecycle\.md"):
        call_command("draw_lifecycle", "--check", "--output-dir", str(tmp_path))


def test_wildcard_sources_are_named():
    assert draw_lifecycle._sources_text(("*",)) == "any state (`*`)"
    assert draw_lifecycle._sources_text(("+",)) == "any other state (`+`)"
