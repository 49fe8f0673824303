"""The directory: the tenant tree, API keys, deputies and handling units.

It is the deployment's identity provider: reference data that the operator CLI (and the
demo seed) writes and every service reads to authenticate and to scope. See
docs/adr/0002-shared-directory.md.
"""

from runtime.directory.model import ROLES, Principal
from runtime.directory.service import Directory

__all__ = ["ROLES", "Directory", "Principal"]
