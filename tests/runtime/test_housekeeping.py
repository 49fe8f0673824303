"""Old outbox and inbox rows are forgotten; recent and unpublished ones are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from renda.processes import migrate, runtimes_for
from runtime.config import Settings
from runtime.outbox import prune_messages
from runtime.scheduler import run_tick


def test_prune_keeps_what_may_still_matter(tmp_path: Path) -> None:
    settings = Settings.from_env({"RENDA_VAR_DIR": str(tmp_path)})
    migrate(settings)
    (rt,) = runtimes_for(["scoring"], settings)
    outbox = rt.outbox.table
    inbox = outbox.metadata.tables["inbox"]
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=20), now - timedelta(days=1)
    row = {"type": "t", "routing_key": "k", "headers": {}, "payload": {}, "created_at": old}
    with rt.db.transaction() as session:
        session.execute(
            insert(outbox),
            [
                {**row, "event_id": "old-sent", "published_at": old},
                {**row, "event_id": "recent-sent", "published_at": recent},
                {**row, "event_id": "old-unsent", "published_at": None},
            ],
        )
        session.execute(
            insert(inbox),
            [
                {"event_id": "old", "type": "t", "processed_at": old},
                {"event_id": "recent", "type": "t", "processed_at": recent},
            ],
        )

    def prune(ctx):  # type: ignore[no-untyped-def]
        prune_messages(ctx, retention_days=14)

    assert run_tick("prune", prune, rt.db, rt.outbox, rt.clock, rt.directory)
    with rt.db.session() as session:
        kept_outbox = set(session.scalars(select(outbox.c.event_id)))
        kept_inbox = set(session.scalars(select(inbox.c.event_id)))
        assert session.scalar(select(func.count()).select_from(outbox)) == 2
    assert kept_outbox == {"recent-sent", "old-unsent"}
    assert kept_inbox == {"recent"}
