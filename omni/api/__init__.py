"""The REST API: a Sanic app factory with no import-time side effects."""

from omni.api.app import create_app

__all__ = ["create_app"]
