"""Routes of `/chats` (see the reference §1)."""

from __future__ import annotations

from sanic import Blueprint

bp = Blueprint("chats", url_prefix="/chats")
