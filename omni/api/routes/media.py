"""Media files a channel stored for an instance (downloaded inbound media: WhatsApp images, voice notes …):
`GET /media/:instanceId/<path>`, the path relative to the instance's media folder (`message.mediaLocalPath` ends with
it). Read with the key's `messages:read` scope, only for instances the key may see."""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file_stream

from omni.api.auth import check_instance
from omni.api.errors import NOT_FOUND, ApiError
from omni.api.routing import endpoint

bp = Blueprint("media", url_prefix="/media")


def media_root(data_dir: Path, instance_id: uuid.UUID | str) -> Path:
    """Where a channel keeps the media of an instance (`ctx.data_dir / "media"`)."""
    return data_dir / "instances" / str(instance_id) / "media"


@endpoint(bp, "GET", "/<instance_id:uuid>/<path:path>", scope="messages:read",
          summary="A media file stored for an instance (downloaded inbound media)", tag="messages")  # fmt: skip
async def media_file(request: Request, instance_id: uuid.UUID, path: str) -> HTTPResponse:
    """The file as it was downloaded (decrypted), with its content type; 404 when there is none."""
    check_instance(request, instance_id)
    root = media_root(request.app.ctx.data_dir, instance_id).resolve()
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():  # never outside the instance's folder
        raise ApiError(404, NOT_FOUND, f"no media file {path!r} for instance {instance_id}")
    mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "default-src 'none'; sandbox"}  # fmt: skip
    if not mime.startswith(("image/", "audio/", "video/")) or mime == "image/svg+xml":
        headers["Content-Disposition"] = f'attachment; filename="{target.name}"'  # never rendered on the API's origin
    return await file_stream(target, mime_type=mime, headers=headers)
