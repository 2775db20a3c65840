"""Routes of `/access` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("access", url_prefix="/access")
