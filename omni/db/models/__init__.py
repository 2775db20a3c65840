"""Tortoise models, one module per aggregate."""

from omni.db.models.api_keys import ApiKey

__all__ = ["ApiKey"]
