"""Where a recipient sits in the tenant tree (the scope of its inbox messages), and its name."""

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


def recipient_name(directory: Directory, recipient: str) -> str | None:
    """How a formal notice addresses the recipient: the unit's or deputy's name, the
    congress's standing committee, or its director's meeting; None if there is none."""
    kind, _, ident = recipient.partition(":")
    if kind in ("unit", "deputy"):
        person = directory.unit(ident) if kind == "unit" else directory.deputy(ident)
        return person.name if person else None
    node = directory.node(ident)
    if node is None:
        return None
    return node.name if kind == "committee" else f"{node.name}主任会议"
