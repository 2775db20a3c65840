"""The history archive: what WhatsApp's history sync pushed, paged back by a sync job after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from omni_whatsapp.history import FILE, HistoryArchive

from omni.channels.types import Chat, InboundMessage, Sender

CHAT = "4915112345678@s.whatsapp.net"


def _message(i: int, chat: str = CHAT) -> InboundMessage:
    at = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=i)
    return InboundMessage(external_id=f"3EB0{i:04d}", chat=Chat(id=chat), sender=Sender(id=chat), text=f"m{i}",
                          timestamp=at, history=True)  # fmt: skip


async def test_pages_newest_first_and_survives_reopening(tmp_path: Path) -> None:
    archive = HistoryArchive(tmp_path)
    assert await archive.add([_message(i) for i in range(250)]) == 250
    assert await archive.add([_message(i) for i in range(240, 260)]) == 10  # a second push: only what is new
    await archive.add([_message(1, "120363@g.us")])
    archive.close()
    assert oct((tmp_path / FILE).stat().st_mode & 0o777) == "0o600"

    again = HistoryArchive(tmp_path)  # after a restart
    first = await again.page(CHAT, None, 100)
    assert [e.external_id for e in first[:2]] == ["3EB00259", "3EB00258"] and len(first) == 100
    assert first[0].history and first[0].text == "m259" and first[0].timestamp.tzinfo is not None
    seen, before = [], None
    while page := await again.page(CHAT, before, 100):
        seen += [e.external_id for e in page]
        before = page[-1].external_id
    assert len(seen) == 260 == len(set(seen))
    assert await again.page(CHAT, "unknown-id", 100) == []
    assert sorted(await again.chats()) == ["120363@g.us", CHAT]
