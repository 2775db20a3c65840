"""Routes of `/webhook-sources` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("webhook-sources", url_prefix="/webhook-sources")
