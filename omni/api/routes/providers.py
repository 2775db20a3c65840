"""Routes of `/providers` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("providers", url_prefix="/providers")
