"""Routes of `/messages` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("messages", url_prefix="/messages")
