"""Routes of `/instances` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("agent-routes", url_prefix="/instances")
