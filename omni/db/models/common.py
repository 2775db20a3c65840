"""Small helpers shared by the model modules."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Default for timestamps that the writer may also set itself (first seen, joined, received, fired …)."""
    return datetime.now(UTC)
