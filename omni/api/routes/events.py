"""Routes of `/events` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("events", url_prefix="/events")
