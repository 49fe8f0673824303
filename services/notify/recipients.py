"""Where a recipient sits in the tenant tree: the scope of its inbox messages."""

from __future__ import annotations

from runtime.directory import Directory


def recipient_path(directory: Directory, recipient: str) -> str | None:
    """The node path of `unit:<id>`, `deputy:<id>`, or `committee:`/`directors:<tenant>`;
    None when there is no such unit, deputy or node."""
    kind, _, ident = recipient.partition(":")
    if kind in ("unit", "deputy"):
        person = directory.unit(ident) if kind == "unit" else directory.deputy(ident)
        return person.node_path if person else None
    node = directory.node(ident)
    return node.path if node else None
