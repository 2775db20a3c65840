"""Routes of `/settings` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("settings", url_prefix="/settings")
