"""Received media: downloaded and decrypted by whatsmeow, kept in the instance's media folder
(`<data dir>/media/<YYYY-MM>/<message id>.<ext>`, files 0600) and served by omni at `GET /api/v2/media/<instance>/…`
(the message's `mediaUrl`). A failed or skipped download never loses the message: it is stored without the file."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from omni_whatsapp.inbound import Parsed
    from omni_whatsapp.plugin import WhatsApp

EXTENSIONS = {"audio/ogg": ".ogg", "image/jpeg": ".jpg", "image/webp": ".webp", "video/mp4": ".mp4",
              "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "application/pdf": ".pdf"}  # fmt: skip


def extension(mime: str | None, filename: str | None) -> str:
    if filename and "." in filename:
        suffix = "." + re.sub(r"[^A-Za-z0-9]", "", filename.rsplit(".", 1)[1])[:10]
        if len(suffix) > 1:
            return suffix.lower()
    base = (mime or "").split(";")[0].strip().lower()
    return EXTENSIONS.get(base) or mimetypes.guess_extension(base) or ".bin"


async def fetch(channel: WhatsApp, item: Parsed) -> None:
    event = item.event
    media = event.media
    limit = channel._config().max_download_bytes
    if media is None or (media.size or 0) > limit:
        return
    stamp = event.timestamp.strftime("%Y-%m")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", event.external_id)[:120] + extension(media.mime_type, media.filename)
    folder = channel.ctx.data_dir / "media" / stamp
    try:
        data: Any = await channel.client.download_any(item.download)
        if not isinstance(data, bytes | bytearray) or not data:
            raise ValueError("nothing downloaded")
        if len(data) > limit:
            return
        path = folder / name
        await asyncio.to_thread(_write, path, bytes(data))
    except Exception as exc:  # expired on WhatsApp's servers, network … : the message goes on without the file
        channel.ctx.log.warning("media of %s not downloaded: %s", event.external_id, exc)
        return
    media.path = str(path)
    media.size = len(data)
    media.url = f"/api/v2/media/{channel.ctx.instance_id}/{stamp}/{name}"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "wb", opener=lambda p, flags: os.open(p, flags, 0o600)) as out:
        out.write(data)
