"""Cursor pagination (`limit` ≤ 100, opaque `cursor`), newest first by (created_at, id)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
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
    qs: QuerySet[Any],
    query: ListQuery,
    render: Callable[[Any], dict[str, Any]],
    *,
    field: str = "created_at",
    lean: bool = False,
) -> dict[str, Any]:
    """`{items, meta: {total?, hasMore, cursor}}` for `qs`, newest first."""
    total = await qs.count() if query.include_total else None
    if query.cursor:
        at, row_id = decode_cursor(query.cursor)
        qs = qs.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "id__lt": row_id}))
    rows = await _fetch(qs.order_by(f"-{field}", "-id").limit(query.limit + 1), lean)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = encode_cursor(getattr(rows[-1], field), rows[-1].id) if more and rows else None
    meta: dict[str, Any] = {"hasMore": more, "cursor": cursor}
    if total is not None:
        meta["total"] = total
    return {"items": [render(r) for r in rows], "meta": meta}


# -- keyset on (sort value, id), for lists sorted by something else than creation time ---------------------------

SortValue = datetime | int | str


def encode_keyset(value: SortValue, row_id: uuid.UUID | int) -> str:
    """A cursor for any sort: the row's sort value (typed) and its id."""
    raw_value: Any
    if isinstance(value, datetime):
        kind, raw_value = "t", value.isoformat()
    elif isinstance(value, bool | int):
        kind, raw_value = "i", int(value)
    else:
        kind, raw_value = "s", str(value)
    raw = json.dumps([kind, raw_value, str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_keyset(cursor: str, kind: str) -> tuple[SortValue, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        got, value, row_id = json.loads(raw)
        if got != kind:
            raise ValueError("a cursor of another sort")
        if kind == "t":
            value = datetime.fromisoformat(value)
        elif kind == "i":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("not an integer")
        elif not isinstance(value, str):
            raise ValueError("not a string")
        return value, str(uuid.UUID(row_id)) if "-" in str(row_id) else str(int(row_id))
    except (ValueError, TypeError, AttributeError):
        raise ApiError(
            400,
            VALIDATION_ERROR,
            "invalid cursor",
            {"fields": {"cursor": ["not a cursor from this API for this sort"]}},
        ) from None


async def paginate_keyset(
    qs: QuerySet[Any],
    query: ListQuery,
    render: Callable[[Any], dict[str, Any]],
    *,
    key: str,
    kind: str,
    descending: bool = True,
    lean: bool = False,
) -> dict[str, Any]:
    """`{items, meta}` for `qs` ordered by (`key`, id), both descending or both ascending.

    `key` is a field or an annotation of `qs` that is never null (annotate with `Coalesce` for a nullable column);
    `kind` is the type of its values: "t" (datetime), "i" (integer) or "s" (string). Cursors of another sort are
    rejected (400)."""
    total = await qs.count() if query.include_total else None
    op = "lt" if descending else "gt"
    if query.cursor:
        value, row_id = decode_keyset(query.cursor, kind)
        qs = qs.filter(Q(**{f"{key}__{op}": value}) | Q(**{key: value, f"id__{op}": row_id}))
    sign = "-" if descending else ""
    rows = await _fetch(qs.order_by(f"{sign}{key}", f"{sign}id").limit(query.limit + 1), lean)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = encode_keyset(getattr(rows[-1], key), rows[-1].id) if more and rows else None
    meta: dict[str, Any] = {"hasMore": more, "cursor": cursor}
    if total is not None:
        meta["total"] = total
    return {"items": [render(r) for r in rows], "meta": meta}


async def _fetch(qs: QuerySet[Any], lean: bool) -> list[Any]:
    """Rows as model objects, or (`lean`) as plain attribute bags: building a Tortoise model per row is the largest
    cost of a list of wide rows, and a list only reads them. `render` must use attributes only (no relations)."""
    if not lean:
        return list(await qs)
    return [SimpleNamespace(**row) for row in await qs.values()]
