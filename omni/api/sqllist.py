"""Hand-written SQL for the hottest lists: building a Tortoise query, and objects per row, cost far more than running
the query on wide tables.

A list is a WHERE clause built from validated filters, keyset pagination on (sort column, id), and each row turned
into its camelCase JSON object by PostgreSQL itself (`json_build_object`), so Python only joins the texts. The shapes
are the ones the `Out` models declare; the contract tests check them against the OpenAPI document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic.alias_generators import to_camel
from sanic.response import HTTPResponse
from tortoise import Tortoise

from omni.api.pagination import ListQuery, decode_cursor, encode_cursor


class Where:
    """Conditions and their parameters ($1, $2 … in order)."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def add(self, condition: str, *values: Any) -> None:
        """`condition` uses `{}` for each value, in order."""
        marks = []
        for value in values:
            self.params.append(value)
            marks.append(f"${len(self.params)}")
        self.conditions.append(condition.format(*marks))

    def sql(self) -> str:
        return " where " + " and ".join(self.conditions) if self.conditions else ""


def like_pattern(text: str) -> str:
    """`%text%` for ILIKE, with the pattern characters of `text` taken literally (backslash is the escape)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def json_object(columns: Iterable[str], *, renamed: dict[str, str] | None = None,
                defaults: dict[str, str] | None = None) -> str:  # fmt: skip
    """`json_build_object('camelName', column, …)`: `renamed` adds `{wire name: column}`, `defaults` wraps a column
    in `coalesce(column, <sql literal>)`."""
    defaults = defaults or {}
    parts = []
    for column in columns:
        value = f"coalesce({column}, {defaults[column]})" if column in defaults else column
        parts.append(f"'{to_camel(column)}', {value}")
    for name, column in (renamed or {}).items():
        parts.append(f"'{name}', {column}")
    return f"json_build_object({', '.join(parts)})"


async def page(table: str, where: Where, query: ListQuery, row_json: str, *, sort: str) -> HTTPResponse:
    """`{items, meta}` newest first by (`sort`, id)."""
    conn = Tortoise.get_connection("default")
    meta: dict[str, Any] = {}
    if query.include_total:
        counted = await conn.execute_query_dict(f"select count(*) as n from {table}{where.sql()}", where.params)  # noqa: S608 - identifiers are ours
        meta["total"] = counted[0]["n"]
    if query.cursor:
        at, row_id = decode_cursor(query.cursor)
        where.add(f"({sort}, id) < ({{}}, {{}}::uuid)", at, row_id)
    where.params.append(query.limit + 1)
    sql = (f"select {row_json}::text as j, {sort} as s, id from {table}{where.sql()} "  # noqa: S608
           f"order by {sort} desc, id desc limit ${len(where.params)}")  # fmt: skip
    rows = await conn.execute_query_dict(sql, where.params)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    meta["hasMore"] = more
    meta["cursor"] = encode_cursor(rows[-1]["s"], rows[-1]["id"]) if more and rows else None
    body = '{"items":[' + ",".join(r["j"] for r in rows) + '],"meta":' + json.dumps(meta) + "}"
    return HTTPResponse(body, content_type="application/json")
