"""Tenancy rules: a key sees its node and everything below it, nothing beside it."""

from __future__ import annotations

from dataclasses import dataclass

NODE_KINDS = ("city", "county", "township", "station")
CHILD_KIND = {"city": "county", "county": "township", "township": "station"}

ROLES = ("system", "committee", "unit", "deputy", "reader")
"""system: a county system filing on behalf of its tenant; committee: the working bodies;
unit: one handling unit (subject unit:<id>); deputy: one deputy (subject deputy:<id>);
reader: read-only dashboards."""

WRITER_ROLES = frozenset({"system", "committee"})
PERSONAL_ROLES = frozenset({"unit", "deputy"})
"""Keys that act as one unit or deputy and read only what is theirs."""


def node_path(parent_path: str | None, node_id: str) -> str:
    """Materialised path, e.g. `/450100/450102/`: a prefix test decides containment."""
    return f"{parent_path or '/'}{node_id}/"


@dataclass(frozen=True)
class Principal:
    key_id: str
    node_id: str
    node_path: str
    role: str
    subject: str | None = None

    def can_see(self, path: str) -> bool:
        return path.startswith(self.node_path)

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES
