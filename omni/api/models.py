"""Base classes of the API's JSON: camelCase on the wire, strict on input, envelopes as the reference."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")


class ApiModel(BaseModel):
    """Input: camelCase names, unknown fields rejected (a typo is an error, not silently ignored)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", str_max_length=100_000)


class Out(BaseModel):
    """Output: camelCase names, built from ORM objects."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)

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
