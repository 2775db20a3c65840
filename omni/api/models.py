"""Base classes of the API's JSON: camelCase on the wire, strict on input, envelopes as the reference."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FieldSerializationInfo,
    SerializerFunctionWrapHandler,
    field_serializer,
)
from pydantic.alias_generators import to_camel

T = TypeVar("T")


class ApiModel(BaseModel):
    """Input: camelCase names, unknown fields rejected (a typo is an error, not silently ignored)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", str_max_length=100_000)


TIME_SQL = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'  # the same for PostgreSQL's to_char


def json_time(value: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SS.ffffffZ`; isoformat pads the year to four digits (strftime's %Y does not: year 250)."""
    utc = value.astimezone(UTC) if value.tzinfo else value
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


class Out(BaseModel):
    """Output: camelCase names, built from ORM objects."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)

    @field_serializer("*", mode="wrap")
    def _time(self, value: Any, handler: SerializerFunctionWrapHandler, info: FieldSerializationInfo):
        # no return annotation on purpose: pydantic then keeps each field's own type in the serialization schema
        # (with `-> Any` every output field of the OpenAPI document was untyped)
        """Times in JSON always as `2026-11-23T14:58:38.328172Z` (UTC, microseconds), as the SQL lists write them."""
        if isinstance(value, datetime) and info.mode == "json":
            return json_time(value)
        return handler(value)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class Data(BaseModel, Generic[T]):
    data: T


class PageMeta(BaseModel):
    total: int | None = None
    has_more: bool = Field(alias="hasMore")
    cursor: str | None = None

    model_config = ConfigDict(populate_by_name=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    meta: PageMeta


class Success(BaseModel):
    success: bool = True


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorEnvelope(BaseModel):
    error: ErrorBody
