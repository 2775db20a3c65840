"""Routes of `/automations` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("automations", url_prefix="/automations")
