"""The normalised messages every channel speaks: what a plugin emits (`Inbound*`) and what it is asked to send
(`Outbound`). Plugins build these; the pipeline stores and routes them without knowing the platform."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

MESSAGE_KINDS = ("text", "image", "audio", "video", "document", "sticker", "contact", "location", "poll", "system")
MEDIA_KINDS = ("image", "audio", "video", "document", "sticker")
ChatType = Literal["dm", "group", "channel", "thread", "broadcast"]


def _now() -> datetime:
    return datetime.now(UTC)


class Model(BaseModel):
    """snake_case in Python, camelCase on the bus and the API (`dump()`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, alias_generator=to_camel)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Media(Model):
    """A file: at a URL, in a local file, or inline (base64) — at least one of them."""

    url: str | None = Field(None, max_length=4000)
    path: str | None = Field(None, max_length=4000)
    base64: str | None = None
    mime_type: str | None = Field(None, max_length=255)
    filename: str | None = Field(None, max_length=255)
    size: int | None = Field(None, ge=0)
    duration: int | None = Field(None, ge=0, description="seconds (audio, video)")
    caption: str | None = Field(None, max_length=10_000)
    voice_note: bool = False


class Contact(Model):
    name: str = Field(min_length=1, max_length=255)
    phone: str | None = Field(None, max_length=64)
    email: str | None = Field(None, max_length=255)
    organization: str | None = Field(None, max_length=255)


class Location(Model):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    name: str | None = Field(None, max_length=255)
    address: str | None = Field(None, max_length=1000)
    live: bool | None = Field(None, description="a live location (its updates arrive as edits)")


class Poll(Model):
    question: str = Field(min_length=1, max_length=300)
    answers: list[str] = Field(min_length=2, max_length=10)
    multi_select: bool = False
    duration_hours: int | None = Field(None, ge=1, le=168)


class Sender(Model):
    id: str = Field(min_length=1, max_length=255, description="the platform's user id")
    name: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=64, description="E.164 when the platform knows it (auto-links persons)")
    avatar_url: str | None = Field(None, max_length=4000)


class Chat(Model):
    id: str = Field(min_length=1, max_length=255, description="the platform's chat id")
    type: ChatType = "dm"
    name: str | None = Field(None, max_length=255)


class InboundBase(Model):
    """Common to everything a channel emits: where it happened and when. `external_id` identifies the platform event;
    with the instance and kind it is the de-duplication key, so a redelivery or a reconnect catch-up is stored once."""

    external_id: str = Field(min_length=1, max_length=255)
    chat: Chat
    sender: Sender | None = None
    timestamp: datetime = Field(default_factory=_now)
    raw: dict[str, Any] | None = Field(None, description="the platform payload, for debugging")
    history: bool | None = Field(
        None,
        description="true: from the platform's history (a sync), not live: stored, never counted unread, never "
        "wakes an agent",
    )


class InboundMessage(InboundBase):
    kind: Literal["message"] = "message"
    type: Literal[MESSAGE_KINDS] = "text"  # type: ignore[valid-type]
    text: str | None = Field(None, max_length=100_000)
    media: Media | None = None
    contact: Contact | None = None
    location: Location | None = None
    poll: Poll | None = None
    reply_to: str | None = Field(None, max_length=255, description="external id of the quoted message")
    quoted_text: str | None = None
    mentions: list[str] = Field(default_factory=list)
    is_mention: bool = Field(False, description="the account itself was mentioned (the reply filter's onMention)")
    is_from_me: bool = False
    forwarded: bool = False

    @model_validator(mode="after")
    def _content(self) -> InboundMessage:
        need = {"contact": self.contact, "location": self.location, "poll": self.poll}.get(self.type, True)
        if need is None:
            raise ValueError(f"a {self.type} message needs its {self.type}")
        if self.type in MEDIA_KINDS and self.media is None:
            raise ValueError(f"a {self.type} message needs media")
        if self.type == "text" and not self.text:
            raise ValueError("a text message needs text")
        return self


class InboundReaction(InboundBase):
    kind: Literal["reaction"] = "reaction"
    target: str = Field(min_length=1, max_length=255, description="external id of the message reacted to")
    emoji: str = Field(max_length=64, description="empty when the reaction was removed")
    removed: bool = False


class InboundEdit(InboundBase):
    kind: Literal["edit"] = "edit"
    target: str = Field(min_length=1, max_length=255)
    text: str = Field(max_length=100_000)


class InboundDelete(InboundBase):
    kind: Literal["delete"] = "delete"
    target: str = Field(min_length=1, max_length=255)


class InboundReceipt(InboundBase):
    kind: Literal["receipt"] = "receipt"
    targets: list[str] = Field(min_length=1, max_length=1000)
    status: Literal["delivered", "read", "played"]


class InboundPresence(InboundBase):
    kind: Literal["presence"] = "presence"
    state: Literal["typing", "recording", "paused", "online", "offline"]


class InboundSystem(InboundBase):
    kind: Literal["system"] = "system"
    text: str = Field(max_length=10_000)
    action: str | None = Field(None, max_length=64, description="e.g. member_added, subject_changed, poll_vote, call")
    target: str | None = Field(None, max_length=255, description="external id of the message it is about (a vote)")


Inbound = Annotated[
    InboundMessage | InboundReaction | InboundEdit | InboundDelete | InboundReceipt | InboundPresence | InboundSystem,
    Field(discriminator="kind"),
]
INBOUND_KINDS = ("message", "reaction", "edit", "delete", "receipt", "presence", "system")

OUTBOUND_KINDS = ("text", "media", "reaction", "sticker", "contact", "location", "poll", "embed", "presence",
                  "forward", "edit", "delete", "read", "star")  # fmt: skip


class Embed(Model):
    title: str | None = Field(None, max_length=256)
    description: str | None = Field(None, max_length=4096)
    url: str | None = Field(None, max_length=2000)
    color: int | None = Field(None, ge=0, le=0xFFFFFF)
    fields: list[dict[str, Any]] = Field(default_factory=list, max_length=25)
    footer: str | None = Field(None, max_length=2048)
    image_url: str | None = Field(None, max_length=2000)


class Outbound(Model):
    """One thing to do on the platform. `id` is omni's message id: the same id is the same send (a plugin that can
    pass an idempotency key to its platform uses it)."""

    id: str
    kind: Literal[OUTBOUND_KINDS]  # type: ignore[valid-type]
    to: str = Field(description="the platform chat id")
    text: str | None = None
    media: Media | None = None
    emoji: str | None = None
    target: str | None = Field(
        None, description="external id of the message acted on (reaction, edit, delete, forward)"
    )
    from_chat: str | None = None
    contact: Contact | None = None
    location: Location | None = None
    poll: Poll | None = None
    embed: Embed | None = None
    presence: Literal["typing", "recording", "paused"] | None = None
    reply_to: str | None = None
    mentions: list[dict[str, Any]] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class SendResult(Model):
    external_id: str | None = Field(None, description="the platform's id of what was sent")
    timestamp: datetime = Field(default_factory=_now)
    extra: dict[str, Any] = Field(default_factory=dict)
