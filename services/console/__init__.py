"""The console: the pages the committee, the handling units and the deputies work in.

It reads the services through their public HTTP APIs and writes only through intake,
as the signed-in person (docs/adr/0010-console.md).
"""
