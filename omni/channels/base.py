"""The channel contract: what a channel plugin implements, and what omni gives it (`ChannelContext`)."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from omni.channels.types import Inbound, Outbound, SendResult

if TYPE_CHECKING:
    from omni.channels.kv import PluginStore

State = Literal["disconnected", "connecting", "connected", "reconnecting", "needs_auth", "error"]
STATES: tuple[str, ...] = ("disconnected", "connecting", "connected", "reconnecting", "needs_auth", "error")


class ChannelError(Exception):
    """A channel failure; `retryable` tells the runtime (and a send) whether trying again can help."""

    retryable = False

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code or type(self).__name__


class ChannelNotReady(ChannelError):
    """Transient: the platform is unreachable or the connection dropped. Retried with backoff."""

    retryable = True


class ChannelAuthFailed(ChannelError):
    """The credentials are refused or the session was logged out: a new token / QR pairing is needed. Not retried."""


class SendFailed(ChannelError):
    """A send the platform refused. `retryable=True` for rate limits and server errors."""

    def __init__(self, message: str, *, retryable: bool = False, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retryable = retryable


class MediaType(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    mime_type: str
    max_size: int


class Capabilities(BaseModel):
    """What a channel can do (the reference §4 flags and limits). The send API refuses what is false here with
    400 `CAPABILITY_NOT_SUPPORTED`."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    can_send_text: bool = True
    can_send_media: bool = False
    can_send_reaction: bool = False
    can_send_typing: bool = False
    can_send_contact: bool = False
    can_send_location: bool = False
    can_send_sticker: bool = False
    can_send_embed: bool = False
    can_send_poll: bool = False
    can_send_buttons: bool = False
    can_send_select_menu: bool = False
    can_receive_read_receipts: bool = False
    can_receive_delivery_receipts: bool = False
    can_edit_message: bool = False
    can_delete_message: bool = False
    can_reply_to_message: bool = False
    can_forward_message: bool = False
    can_mark_read: bool = False
    can_star_message: bool = False
    can_handle_groups: bool = False
    can_handle_broadcast: bool = False
    can_handle_dms: bool = True
    can_handle_threads: bool = False
    can_handle_voice: bool = False
    can_show_modal: bool = False
    can_use_slash_commands: bool = False
    can_use_context_menu: bool = False
    can_create_webhooks: bool = False
    can_send_via_webhook: bool = False
    can_stream_response: bool = False
    can_pair: bool = Field(False, description="QR / pairing-code login")
    can_fetch_history: bool = False
    max_message_length: int = 4096
    max_file_size: int = 0
    supported_media_types: list[MediaType] = Field(default_factory=list)


# which capability each outbound kind needs
NEEDS: dict[str, str] = {
    "text": "can_send_text", "media": "can_send_media", "reaction": "can_send_reaction", "sticker": "can_send_sticker",
    "contact": "can_send_contact", "location": "can_send_location", "poll": "can_send_poll",
    "embed": "can_send_embed", "presence": "can_send_typing", "forward": "can_forward_message",
    "edit": "can_edit_message", "delete": "can_delete_message", "read": "can_mark_read",
    "star": "can_star_message",
}  # fmt: skip


class NoConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class ChannelContext:
    """What omni hands a channel when it connects an instance.

    `emit` publishes a normalised event durably (it returns once JetStream has it: acknowledge the platform after);
    `set_state`, `set_qr` report the connection; `store` is a key-value store in postgres private to this instance and
    plugin; `data_dir` a folder for files the plugin keeps (sessions, downloads).
    """

    instance_id: str
    channel: str
    config: BaseModel
    secrets: dict[str, str]
    emit: Callable[[Inbound], Awaitable[None]]
    set_state: Callable[..., Awaitable[None]]
    set_qr: Callable[[str | None], Awaitable[None]]
    store: PluginStore
    data_dir: Path
    log: logging.Logger
    extra: dict[str, Any] = field(default_factory=dict)


class Channel(ABC):
    """A messaging platform. One object per connected instance; omni calls `connect` once and `disconnect` on stop.

    `connect` returns once the connection is up (raise `ChannelNotReady` / `ChannelAuthFailed` otherwise) and keeps
    receiving in tasks of its own until `disconnect`. Losing the connection later: call `ctx.set_state("reconnecting")`
    and recover, or raise from `wait_closed` so the runtime reconnects.
    """

    key: ClassVar[str]
    name: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    config_model: ClassVar[type[BaseModel]] = NoConfig

    ctx: ChannelContext

    @abstractmethod
    async def connect(self, ctx: ChannelContext) -> None: ...

    @abstractmethod
    async def disconnect(self) -> None: ...

    async def logout(self) -> None:
        """Forget the session on the platform (WhatsApp: unlink the device). Default: disconnect."""
        await self.disconnect()

    async def wait_closed(self) -> None:
        """Returns (or raises) when the connection ends on its own. Default: never, the plugin reports through
        `ctx.set_state`."""
        import asyncio

        await asyncio.Event().wait()

    def status(self) -> dict[str, Any]:
        """Extra facts for `GET /instances/:id/status` (profile, phone …)."""
        return {}

    @abstractmethod
    async def send(self, message: Outbound) -> SendResult: ...

    async def send_typing(self, chat_id: str, state: str = "typing") -> None:
        raise SendFailed("typing is not supported", code="CAPABILITY_NOT_SUPPORTED")

    async def mark_read(self, chat_id: str, external_ids: list[str]) -> None:
        raise SendFailed("read receipts are not supported", code="CAPABILITY_NOT_SUPPORTED")

    @classmethod
    async def check_credentials(cls, secrets: dict[str, str], config: BaseModel) -> dict[str, Any]:
        """Log in with these credentials (a bot token: `secrets["token"]`) and out again, before omni saves them:
        raise `ChannelAuthFailed` when the platform refuses them, `ChannelNotReady` when it cannot be reached; return
        what it said about the account (`{"id", "name"}`). Default: nothing to check."""
        return {}

    async def fetch_contacts(self, *, parent: str | None = None) -> list[dict[str, Any]]:
        """The people the account can reach (`GET /instances/:id/contacts`): dicts with `id`, `name` and any of
        `phone`, `avatarUrl`, `isBot`, `parentId`. `parent` limits them to one guild / workspace / community."""
        return []

    async def fetch_groups(self, *, parent: str | None = None) -> list[dict[str, Any]]:
        """The groups the account is in (`GET /instances/:id/groups`): dicts with `id`, `name`, `type` (group, guild,
        channel, thread, forum …) and any of `parentId`, `memberCount`, `topic`. `parent` limits them to one guild /
        workspace / community and what is inside it."""
        return []

    async def fetch_history(self, chat_id: str, *, before: str | None = None, limit: int = 100) -> list[Inbound]:
        return []

    # -- account and group actions (`POST /instances/:id/check-number`, `/profile`, `/block`, `/groups` …) ----------
    # Optional: omni answers 400 CAPABILITY_NOT_SUPPORTED for a method the channel does not override (`supports`).
    # Raise `ChannelError(code="VALIDATION_ERROR" | "NOT_FOUND" | "FORBIDDEN")` for what the caller got wrong;
    # any other error is reported as 502 CHANNEL_ERROR.

    async def check_numbers(self, phones: list[str]) -> list[dict[str, Any]]:
        """Which phone numbers have an account: `[{phone, exists, id?, name?, isBusiness?}]`, in the order asked."""
        raise _unsupported("check_numbers")

    async def get_profile(self, user_id: str | None = None) -> dict[str, Any]:
        """A profile (`None`: the account's own): `{id, name?, status?, pictureUrl?, phone?}`."""
        raise _unsupported("get_profile")

    async def update_profile(self, *, name: str | None = None, status: str | None = None) -> dict[str, Any]:
        """Change the account's display name and/or status ("about" / bio); returns the profile."""
        raise _unsupported("update_profile")

    async def set_profile_picture(self, data: bytes | None) -> dict[str, Any]:
        """Set the account's picture (JPEG/PNG bytes) or remove it (`None`); returns `{pictureId?}`."""
        raise _unsupported("set_profile_picture")

    async def set_blocked(self, user_id: str, blocked: bool) -> dict[str, Any]:
        """Block or unblock a user (id or phone); returns `{id, blocked}`."""
        raise _unsupported("set_blocked")

    async def fetch_blocklist(self) -> list[str]:
        """The ids the account has blocked."""
        raise _unsupported("fetch_blocklist")

    async def fetch_privacy(self) -> dict[str, Any]:
        """The account's privacy settings (`{lastSeen, profile, status, readReceipts, groupAdd, online, …}`)."""
        raise _unsupported("fetch_privacy")

    async def create_group(self, subject: str, participants: list[str]) -> dict[str, Any]:
        """A new group with these members (ids or phones): `{id, name, participants}`."""
        raise _unsupported("create_group")

    async def group_invite_link(self, group_id: str, *, revoke: bool = False) -> dict[str, Any]:
        """The group's invite link (`revoke`: a new one, the old one stops working): `{link, code}`."""
        raise _unsupported("group_invite_link")

    async def join_group(self, code: str) -> dict[str, Any]:
        """Join by invite code or link: `{id}` of the group."""
        raise _unsupported("join_group")

    async def set_group_picture(self, group_id: str, data: bytes) -> dict[str, Any]:
        """Set a group's picture (JPEG/PNG bytes): `{pictureId?}`."""
        raise _unsupported("set_group_picture")

    async def update_group_participants(self, group_id: str, action: str,
                                        participants: list[str]) -> list[dict[str, Any]]:  # fmt: skip
        """`action`: add, remove, promote or demote; returns `[{id, status}]` per participant (status "ok" or the
        platform's error)."""
        raise _unsupported("update_group_participants")

    async def reject_call(self, call_id: str, call_from: str) -> None:
        """Reject an incoming call (its id and caller from the `call` system event)."""
        raise _unsupported("reject_call")

    @classmethod
    def supports(cls, method: str) -> bool:
        """Whether this channel overrides an optional method of `Channel` (fetch_history, check_numbers …)."""
        return getattr(cls, method, None) is not getattr(Channel, method, None)

    async def handle_webhook(self, request: Any) -> Any:
        raise ChannelError("this channel takes no webhooks")

    async def pair(self, phone: str | None = None) -> dict[str, Any]:
        raise ChannelError("this channel does not pair")


def _unsupported(method: str) -> ChannelError:
    return ChannelError(f"this channel does not support {method}", code="CAPABILITY_NOT_SUPPORTED")
