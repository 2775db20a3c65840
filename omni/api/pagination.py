"""Cursor pagination (`limit` ≤ 100, opaque `cursor`), newest first by (created_at, id)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import Field
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from omni.api.errors import VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel

MAX_LIMIT = 100


class ListQuery(ApiModel):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=500, pattern=r"^[A-Za-z0-9_-]*$")
    include_total: bool = False


def encode_cursor(at: datetime, row_id: uuid.UUID | int) -> str:
    raw = json.dumps([at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, row_id = json.loads(raw)
        return datetime.fromisoformat(at), str(uuid.UUID(row_id)) if "-" in str(row_id) else str(int(row_id))
    except (ValueError, TypeError):
        raise ApiError(
            400, VALIDATION_ERROR, "invalid cursor", {"fields": {"cursor": ["not a cursor from this API"]}}
        ) from None


async def paginate(
    qs: QuerySet[Any], query: ListQuery, render: Callable[[Any], dict[str, Any]], *, field: str = "created_at"
) -> dict[str, Any]:
    """`{items, meta: {total?, hasMore, cursor}}` for `qs`, newest first."""
    total = await qs.count() if query.include_total else None
    if query.cursor:
        at, row_id = decode_cursor(query.cursor)
        qs = qs.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "id__lt": row_id}))
    rows = await qs.order_by(f"-{field}", "-id").limit(query.limit + 1)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = encode_cursor(getattr(rows[-1], field), rows[-1].id) if more and rows else None
    meta: dict[str, Any] = {"hasMore": more, "cursor": cursor}
    if total is not None:
        meta["total"] = total
    return {"items": [render(r) for r in rows], "meta": meta}
