"""`python manage.py draw_lifecycle [--check]`: the case state graph, drawn from the code.

Writes docs/lifecycle.md (a Mermaid diagram and a table of every transition with its permission
and conditions) and docs/lifecycle.dot (Graphviz). Everything is read from the django-fsm-2
transitions on `Case`, so the picture cannot drift from the rules; `--check` fails when the
files on disk are not what the code generates (the test suite runs it).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cases.enums import CaseState
from cases.models import Case
from cases.models.case import lifecycle_edges
from cases.roles import ROLES

COMMAND = "python manage.py draw_lifecycle"
ANY_STATE = "*"
ANY_OTHER_STATE = "+"
_ORDER = {state: n for n, state in enumerate(CaseState.values)}


def _state_order(state: str) -> tuple[int, str]:
    return (_ORDER.get(state, len(_ORDER)), state)


@dataclass(frozen=True)
class TransitionRow:
    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    returns_target: bool  # the method returns which of `targets` it goes to (RETURN_VALUE)
    capability: str
    conditions: tuple[str, ...]
    summary: str


def _capability(permission: Any) -> str:
    if permission is None:
        return ""
    if isinstance(permission, str):
        return permission
    if hasattr(permission, "capability"):
        return str(permission.capability)
    return getattr(permission, "__qualname__", repr(permission))


def _condition_text(condition: Any) -> str:
    return str(getattr(condition, "message", "") or condition.__name__)


def transition_rows() -> list[TransitionRow]:
    """One row per transition and distinct (target, permission, conditions), sources merged,
    in the order the transitions are declared on the model (the lifecycle's narrative)."""
    field = Case._meta.get_field("state")
    grouped: dict[tuple, set[str]] = {}
    for t in field.get_all_transitions(Case):
        allowed = getattr(t.target, "allowed_states", None)
        targets = (
            tuple(sorted((str(s) for s in allowed), key=_state_order))
            if allowed
            else (str(t.target),)
        )
        doc = inspect.getdoc(t.method) or ""
        key = (
            t.name,
            targets,
            bool(allowed),
            _capability(t.permission),
            tuple(_condition_text(c) for c in t.conditions),
            doc.split("\n\n")[0].replace("\n", " "),
        )
        grouped.setdefault(key, set()).add(str(t.source))
    rows = [
        TransitionRow(
            name, tuple(sorted(sources, key=_state_order)), targets, returns, cap, conds, summary
        )
        for (name, targets, returns, cap, conds, summary), sources in grouped.items()
    ]
    declared = {name: n for n, name in enumerate(vars(Case))}
    return sorted(
        rows,
        key=lambda r: (
            declared.get(r.name, len(declared)),
            r.name,
            [_state_order(s) for s in r.sources],
        ),
    )


def _edges() -> list[tuple[str, str, str]]:
    return sorted(lifecycle_edges(), key=lambda e: (_state_order(e[0]), _state_order(e[1]), e[2]))


def _states(edges: list[tuple[str, str, str]]) -> tuple[str, list[str], list[str]]:
    """The initial state, every state in lifecycle order, and those with no way out."""
    initial = str(Case._meta.get_field("state").default)
    states = {initial} | set(CaseState.values)
    for source, target, _name in edges:
        states |= {source, target}
    ordered = sorted(states, key=_state_order)
    with_exit = {source for source, _target, _name in edges}
    return initial, ordered, [s for s in ordered if s not in with_exit]


def _roles_holding(capability: str) -> list[str]:
    return [role for role, perms in ROLES.items() if capability in perms]


def _label(state: str) -> str:
    try:
        return str(CaseState(state).label)
    except ValueError:
        return state


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _sources_text(sources: tuple[str, ...]) -> str:
    names = {ANY_STATE: "any state (`*`)", ANY_OTHER_STATE: "any other state (`+`)"}
    return ", ".join(names.get(s, f"`{s}`") for s in sources)


def render_mermaid() -> str:
    edges = _edges()
    initial, _ordered, final = _states(edges)
    lines = ["stateDiagram-v2", f"    [*] --> {initial}"]
    lines += [f"    {source} --> {target}: {name}" for source, target, name in edges]
    lines += [f"    {state} --> [*]" for state in final]
    if final:
        lines.append("    classDef ended fill:#eee,stroke:#888")
        lines.append(f"    class {','.join(final)} ended")
    return "\n".join(lines) + "\n"


def render_markdown() -> str:
    with translation.override("en"):
        edges = _edges()
        initial, ordered, final = _states(edges)
        out = [
            "# Case lifecycle",
            "",
            f"<!-- Generated by `{COMMAND}` from cases/models/case.py. Do not edit. -->",
            "",
            "This file is generated from the code: the django-fsm-2 transitions declared on "
            "`cases.models.Case` (their sources, targets, permissions and conditions), by "
            f"`{COMMAND}` (or `make lifecycle`). Do not edit it by hand; change the "
            "transitions in `cases/models/case.py` and run the command again. "
            f"`{COMMAND} --check`, run by the test suite, fails when this file or "
            "`docs/lifecycle.dot` differs from what the code generates. Every transition "
            "runs through `cases.services.lifecycle.case_transition`, which records one "
            "history row and one `case.transition.<name>` event with the actor and reason.",
            "",
            "## Diagram",
            "",
            "```mermaid",
            render_mermaid().rstrip("\n"),
            "```",
            "",
            "## States",
            "",
            "| state | label | kind |",
            "| --- | --- | --- |",
        ]
        for state in ordered:
            note = "initial" if state == initial else ("final" if state in final else "")
            out.append(f"| `{state}` | {_md_cell(_label(state))} | {note} |")
        out += [
            "",
            "## Transitions",
            "",
            "The permission is the capability the actor's role must hold; the case must also "
            "be within the actor's reach (assigned to them or to one of their teams), see "
            "`cases/policies/access.py`. Superusers hold every capability. A condition's text is "
            "what the user is told when it does not hold.",
            "",
            "| transition | from | to | permission | roles holding it | conditions | what |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in transition_rows():
            targets = ", ".join(f"`{t}`" for t in row.targets)
            if row.returns_target:
                targets = f"{' or '.join(f'`{t}`' for t in row.targets)} (decided when run)"
            capability = f"`{row.capability}`" if row.capability else "none"
            roles = ", ".join(_roles_holding(row.capability)) if row.capability else "anyone"
            conditions = "; ".join(row.conditions) or "none"
            cells = [
                f"`{row.name}`",
                _sources_text(row.sources),
                targets,
                capability,
                roles or "superusers only",
                conditions,
                row.summary,
            ]
            out.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
        return "\n".join(out) + "\n"


def _dot_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render_dot() -> str:
    with translation.override("en"):
        edges = _edges()
        initial, ordered, final = _states(edges)
        out = [
            f"// Generated by `{COMMAND}` from cases/models/case.py. Do not edit by hand.",
            "digraph case_lifecycle {",
            "    rankdir=LR;",
            '    node [shape=box, style=rounded, fontname="Helvetica"];',
            '    edge [fontname="Helvetica", fontsize=10];',
            '    __start__ [shape=point, label=""];',
        ]
        for state in ordered:
            attrs = "label=" + _dot_quote(state + "\n" + _label(state))
            if state in final:
                attrs += ", peripheries=2"
            out.append(f"    {_dot_quote(state)} [{attrs}];")
        out.append(f"    __start__ -> {_dot_quote(initial)};")
        for source, target, name in edges:
            out.append(
                f"    {_dot_quote(source)} -> {_dot_quote(target)} [label={_dot_quote(name)}];"
            )
        out.append("}")
        return "\n".join(out) + "\n"


def generated_files(directory: Path) -> dict[Path, str]:
    return {
        directory / "lifecycle.md": render_markdown(),
        directory / "lifecycle.dot": render_dot(),
    }


class Command(BaseCommand):
    help = "Draw the case lifecycle from the code into docs/lifecycle.md and docs/lifecycle.dot."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero if the files differ from what the code generates.",
        )
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "docs",
            help="Where the files go (default: docs/ of the project).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = generated_files(options["output_dir"])
        if options["check"]:
            stale = [
                path
                for path, text in files.items()
                if not path.exists() or path.read_text(encoding="utf-8") != text
            ]
            if stale:
                names = ", ".join(str(path) for path in stale)
                raise CommandError(f"Out of date with the code: {names}. Run `{COMMAND}`.")
            self.stdout.write("The lifecycle drawings match the code.")
            return
        options["output_dir"].mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            with path.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            self.stdout.write(f"Wrote {path}")
