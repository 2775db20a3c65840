"""Routes of `/persons` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("persons", url_prefix="/persons")
