"""The plugin starts neonize's real client (whatsmeow, in-process). There is no network here: the connect must end
with `ChannelNotReady`, fast (no DNS: at once; a blackholed network: the plugin's own dialTimeout), never hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from omni_whatsapp.plugin import SESSION_FILE, new_neonize_client

from omni.channels.base import ChannelNotReady

from .harness import Harness


@pytest.mark.timeout(60)
async def test_real_neonize_client_reports_unreachable(tmp_path: Path) -> None:
    h = Harness(tmp_path, fake=False, dialTimeout=10)
    assert h.channel.client_factory is new_neonize_client
    started = time.monotonic()
    with pytest.raises(ChannelNotReady) as failed:
        await h.channel.connect(h.ctx)
    elapsed = time.monotonic() - started
    assert elapsed < 20, elapsed
    from neonize.aioze.client import NewAClient

    assert isinstance(h.channel.client, NewAClient)
    assert (tmp_path / SESSION_FILE).exists()  # neonize opened its sqlite session store in the data dir
    message = str(failed.value)
    assert "could not reach WhatsApp" in message or "did not answer within" in message, message
    assert h.qrs == [] and h.events == []
    await h.channel.disconnect()
