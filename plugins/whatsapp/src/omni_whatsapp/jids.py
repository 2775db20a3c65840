"""WhatsApp addresses (JIDs): `user@server` ids for chats and senders, phone numbers, and parsing ids back."""

from __future__ import annotations

import re
from typing import Any

from omni.channels.base import SendFailed

USER_SERVER = "s.whatsapp.net"
GROUP_SERVER = "g.us"
LID_SERVER = "lid"


def jid_str(jid: Any) -> str:
    """`user@server`, without agent and device (a chat or sender id)."""
    if not jid.User:
        return jid.Server
    return f"{jid.User}@{jid.Server}"


def phone_of(jid: Any) -> str | None:
    """E.164 for a phone-number JID; None for LIDs, groups and the rest."""
    if jid.Server == USER_SERVER and jid.User.isdigit():
        return f"+{jid.User}"
    return None


def parse_jid(value: str) -> Any:
    """A chat id (`123@s.whatsapp.net`, `123-456@g.us`) or a phone number (`+49 151 …`) as a neonize JID."""
    from neonize.proto.Neonize_pb2 import JID

    if "@" in value:
        user, server = value.rsplit("@", 1)
        user = user.split(":", 1)[0]
    else:
        user, server = re.sub(r"\D", "", value), USER_SERVER
    if not user and server != USER_SERVER:
        return JID(User="", Server=server, IsEmpty=False)
    if not user:
        raise SendFailed(f"not a WhatsApp chat id or phone number: {value!r}", code="RECIPIENT_NOT_ON_CHANNEL")
    return JID(User=user, Server=server, Device=0, RawAgent=0, Integrator=0, IsEmpty=False)
