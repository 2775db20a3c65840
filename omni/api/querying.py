"""Substring search that uses the trigram indexes (shared by the resource routes)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pypika_tortoise.terms import Bracket, Criterion, ValueWrapper
from tortoise.expressions import Expression, ResolveContext, ResolveResult
from tortoise.queryset import QuerySet


def _escape_like(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


class Contains(Expression):
    """`col1 ILIKE '%text%' OR col2 ILIKE …`: a parameterised criterion (the trigram GIN indexes serve ILIKE; the
    UPPER(...) LIKE that Tortoise's `__icontains` writes cannot use them)."""

    def __init__(self, columns: Iterable[str], text: str) -> None:
        self.columns = list(columns)
        self.pattern = f"%{_escape_like(text)}%"

    def resolve(self, resolve_context: ResolveContext) -> ResolveResult:
        term: Criterion | None = None
        for column in self.columns:
            one = resolve_context.table[column].ilike(ValueWrapper(self.pattern))
            term = one if term is None else term | one
        assert term is not None
        return ResolveResult(term=Bracket(term))  # bracketed: aliased when selected, and `(… OR …) = true` in WHERE


def search(qs: QuerySet[Any], columns: Iterable[str], text: str | None) -> QuerySet[Any]:
    """Rows whose `columns` (database column names) contain `text`, case-insensitively."""
    if not text:
        return qs
    return qs.annotate(_matches=Contains(columns, text)).filter(_matches=True)
