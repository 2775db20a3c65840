"""What WhatsApp's history sync delivered, kept so a sync job can page through it later.

WhatsApp pushes history to a newly linked device (how far back: `historyDays`, asked for when pairing) and never
again on request through neonize 0.5.2 (it has no call for whatsmeow's on-demand history request). The plugin stores
each pushed message twice: at once in omni (marked `history`), and here, in `<data dir>/whatsapp-history.db`, so
`omni instances sync --type messages` (which pages `fetch_history`) can store it again after omni's copy was lost
or pruned, and reports what WhatsApp gave. Survives restarts; dropped with the instance's data dir.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import orjson
from pydantic import TypeAdapter

from omni.channels.types import Inbound

FILE = "whatsapp-history.db"
_INBOUND: TypeAdapter[Any] = TypeAdapter(Inbound)


class HistoryArchive:
    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE
        self._lock = asyncio.Lock()
        self._db: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            db = sqlite3.connect(self.path, check_same_thread=False)
            db.execute("pragma journal_mode=wal")
            db.execute("create table if not exists messages (chat text not null, id text not null, at real not null, "
                       "event blob not null, primary key (chat, id))")  # fmt: skip
            db.execute("create index if not exists messages_at on messages (chat, at, id)")
            self.path.chmod(0o600)
            self._db = db
        return self._db

    async def add(self, events: list[Any]) -> int:
        """Keep these events (omni `Inbound*` objects); returns how many were new."""
        rows = [(e.chat.id, e.external_id, e.timestamp.timestamp(), orjson.dumps(e.dump())) for e in events]
        if not rows:
            return 0

        def write() -> int:
            db = self._open()
            before = db.total_changes
            db.executemany("insert or ignore into messages (chat, id, at, event) values (?, ?, ?, ?)", rows)
            db.commit()
            return db.total_changes - before

        async with self._lock:
            return await asyncio.to_thread(write)

    async def page(self, chat: str, before: str | None, limit: int) -> list[Any]:
        """Up to `limit` events of `chat` older than the event `before` (newest first)."""

        def read() -> list[bytes]:
            db = self._open()
            anchor = None
            if before is not None:
                anchor = db.execute("select at, id from messages where chat = ? and id = ?", (chat, before)).fetchone()
                if anchor is None:
                    return []
            sql = "select event from messages where chat = ?"
            args: tuple[Any, ...] = (chat,)
            if anchor is not None:
                sql += " and (at < ? or (at = ? and id < ?))"
                args += (anchor[0], anchor[0], anchor[1])
            return [r[0] for r in db.execute(f"{sql} order by at desc, id desc limit ?", (*args, limit))]

        async with self._lock:
            raw = await asyncio.to_thread(read)
        return [_INBOUND.validate_python(orjson.loads(item)) for item in raw]

    async def chats(self) -> list[str]:
        def read() -> list[str]:
            return [r[0] for r in self._open().execute("select distinct chat from messages")]

        async with self._lock:
            return await asyncio.to_thread(read)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
