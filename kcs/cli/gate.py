"""``kcs gate``: may the change between two commits become official?"""

from __future__ import annotations

import sys

import click

from .common import echo_json, format_option, resolve_root, root_option

_BIDI = {
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
}


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters and bidirectional overrides are
    shown as escapes, so an untrusted proposal cannot hide or reorder what a reviewer sees
    (ANSI escape sequences, "Trojan Source" tricks). Newlines and tabs stay."""
    return "".join(
        ch
        if ch in "\n\t" or (ch.isprintable() and ch not in _BIDI)
        else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        for ch in text
    )


def render(decision: object) -> str:
    """The decision as text: one block per file, then the verdict."""
    from ..review.gate import Decision

    assert isinstance(decision, Decision)
    lines: list[str] = []
    for file in decision.files:
        lines.append(f"{file.path} ({file.status})")
        for need in file.needs:
            where = "any domain" if need.domain == "*" else need.domain
            if need.satisfied_by:
                lines.append(
                    f"  ok       {need.action} in {where}: {need.why}; by {need.satisfied_by}"
                )
            else:
                lines.append(f"  missing  {need.action} in {where}: {need.missing}")
    for note in decision.notes:
        lines.append(f"note: {note}")
    if decision.allowed:
        lines.append(f"Allowed: {len(decision.files)} changed file(s), every rule satisfied.")
    else:
        lines.append(f"Not allowed ({len(decision.reasons)} reason(s)):")
        lines.extend(f"- {reason}" for reason in decision.reasons)
    return printable("\n".join(lines))


@click.command("gate")
@click.option("--base", required=True, help="The commit the change goes into (e.g. main).")
@click.option("--head", required=True, help="The commit with the change (e.g. the PR head).")
@click.option("--author", required=True, help="Who wrote the change: id, e-mail or login.")
@click.option(
    "--approver", "approvers", multiple=True, help="Someone who approved (repeat for several)."
)
@click.option(
    "--skip-unknown",
    is_flag=True,
    help="Forges: treat an unknown author as a candidate and ignore unknown "
    "approvers instead of failing.",
)
@click.option(
    "--content-standard",
    is_flag=True,
    help="Also refuse changed articles that fail kcs lint --strict (read from HEAD as "
    "data); the forge's gate uses it, so the content standard binds there too.",
)
@format_option("Output format (json: the decision as data).", choices=("text", "json"))
@root_option
def command(
    base: str,
    head: str,
    author: str,
    approvers: tuple[str, ...],
    skip_unknown: bool,
    content_standard: bool,
    fmt: str,
    root: object,
) -> None:
    """Check a change against the review rules of the base commit's kcs.yml.

    Says per changed file which role is needed, who satisfied it and what is
    missing. Exit status 0: allowed; 1: not allowed; 2: usage error.
    """
    from pathlib import Path

    from ..review.gate import gate

    decision = gate(
        resolve_root(root if isinstance(root, Path) else None),
        base,
        head,
        author,
        approvers,
        skip_unknown=skip_unknown,
        content_standard=content_standard,
    )
    if fmt == "json":
        echo_json(decision.to_dict())
    else:
        click.echo(render(decision))
    if not decision.allowed:
        sys.exit(1)
