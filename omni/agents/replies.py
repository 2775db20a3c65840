"""The pure parts of turning an inbound conversation into an agent call and its answer into replies: who gets a
reply (the reply filter), the session id, the text the agent reads, how an answer is split and chunked, and the
delay between chunks. No I/O here; the dispatcher uses these."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# the channel's limit when its plugin declares none (the reference §5 "On flush")
DEFAULT_LIMIT = 4000
SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"')\]]*\s+")
NOT_DM = ("@g.us", "@broadcast", "@newsletter")


# -- the reply filter --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    reply: bool
    type: str  # dm | mention | reply | name_match | message (mode all) | none
    reason: str


def is_dm(chat: dict[str, Any]) -> bool:
    if chat.get("type") and chat["type"] != "dm":
        return False
    return not str(chat.get("id", "")).endswith(NOT_DM)


def reply_filter(spec: Any, *, dm: bool, mentioned: bool, replied_to_bot: bool, text: str) -> Trigger:
    """`spec` is the instance's `agentReplyFilter`: `{"mode": "all"}` replies to everything; `{"mode": "filtered",
    "conditions": {onDm, onMention, onReply, onNameMatch, namePatterns}}` when any condition holds; null never."""
    if not isinstance(spec, dict):
        return Trigger(False, "none", "no reply filter: the agent never replies")
    mode = spec.get("mode")
    if mode == "all":
        return Trigger(True, "dm" if dm else "mention" if mentioned else "reply" if replied_to_bot else "message",
                       "reply filter: all")  # fmt: skip
    if mode != "filtered":
        return Trigger(False, "none", f"reply filter mode {mode!r} never replies")
    conditions = spec.get("conditions") or {}
    if conditions.get("onDm") and dm:
        return Trigger(True, "dm", "a direct message")
    if conditions.get("onMention") and mentioned:
        return Trigger(True, "mention", "the bot was mentioned")
    if conditions.get("onReply") and replied_to_bot:
        return Trigger(True, "reply", "a reply to the bot")
    if conditions.get("onNameMatch"):
        lowered = text.lower()
        for pattern in conditions.get("namePatterns") or []:
            if pattern and str(pattern).lower() in lowered:
                return Trigger(True, "name_match", f"the text names {pattern!r}")
    return Trigger(False, "none", "no reply-filter condition holds")


# -- sessions -----------------------------------------------------------------------------------------------------------


def session_id(strategy: str | None, *, user: str | None, chat: str) -> str:
    """per_user → the sender; per_chat → the chat; per_user_per_chat (default) → `user:chat`."""
    who = user or chat
    if strategy == "per_user":
        return who
    if strategy == "per_chat":
        return chat
    return f"{who}:{chat}"


# -- what the agent reads -----------------------------------------------------------------------------------------------

QUOTE_LIMIT = 500


def describe(message: dict[str, Any], *, prefix_name: bool, media_path: bool) -> str:
    """One inbound message (its normalised payload) as a line of the agent's input."""
    if message.get("emoji") and message.get("target"):  # a reaction
        line = f"[Reacted with {message['emoji']} to a message]"
        name = (message.get("sender") or {}).get("name")
        return f"[{name}]: {line}" if prefix_name and name else line
    text = (message.get("text") or "").strip()
    media = message.get("media") if isinstance(message.get("media"), dict) else None
    kind = message.get("type") or "text"
    parts: list[str] = []
    quoted = message.get("quotedText")
    if quoted:
        quote = str(quoted)
        if len(quote) > QUOTE_LIMIT:
            quote = quote[: QUOTE_LIMIT - 1] + "…"
        parts.append(f"[Quoting: {quote}]")
    if media is not None:
        where = media.get("path") if media_path and media.get("path") else media.get("url")
        label = "🎤" if media.get("voiceNote") else f"[{kind}]"
        caption = media.get("caption") or ""
        parts.append(f"{label} {where}".rstrip() if where else label)
        if caption and caption != text:
            parts.append(caption)
    elif kind == "location" and isinstance(message.get("location"), dict):
        loc = message["location"]
        parts.append(f"[Location: {loc.get('lat')}, {loc.get('lng')}{' ' + loc['name'] if loc.get('name') else ''}]")
    elif kind == "contact" and isinstance(message.get("contact"), dict):
        parts.append(f"[Contact: {message['contact'].get('name')} {message['contact'].get('phone') or ''}]".rstrip())
    elif kind == "poll" and isinstance(message.get("poll"), dict):
        parts.append(f"[Poll: {message['poll'].get('question')}]")
    if text:
        parts.append(text)
    line = " ".join(parts) if parts else "[Media message]"
    sender = message.get("sender") or {}
    if prefix_name and sender.get("name"):
        return f"[{sender['name']}]: {line}"
    return line


def compose(messages: Sequence[dict[str, Any]], *, prefix_name: bool, media_path: bool) -> str:
    return "\n".join(describe(m, prefix_name=prefix_name, media_path=media_path) for m in messages)


# -- the answer as messages -------------------------------------------------------------------------------------------


def chunk(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, then a line, a sentence, a word — never leaving a
    piece shorter than half the limit unless the text ends; a word longer than the limit is cut."""
    limit = max(1, limit)
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        half = limit // 2
        cut = -1
        for finder in (lambda w: w.rfind("\n\n"), lambda w: w.rfind("\n"), _last_sentence_end, lambda w: w.rfind(" ")):
            at = finder(window)
            if at >= half:
                cut = at
                break
        if cut <= 0:
            cut = limit
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if rest:
        pieces.append(rest)
    return pieces


def _last_sentence_end(window: str) -> int:
    last = -1
    for match in SENTENCE_END.finditer(window):
        last = match.end() - 1
    return last


def split_reply(text: str, *, auto_split: bool, limit: int | None) -> list[str]:
    """The answer as the messages to send: blank-line paragraphs become messages (`auto_split`), each chunked to the
    channel's limit."""
    limit = limit or DEFAULT_LIMIT
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text)] if auto_split else [text.strip()]
    out: list[str] = []
    for block in blocks:
        if block:
            out.extend(chunk(block, limit))
    return out


def split_delay(
    mode: str | None, *, fixed_ms: int, min_ms: int, max_ms: int, rng: random.Random | None = None
) -> float:
    """Seconds to wait before the next chunk."""
    if mode == "fixed":
        return max(0, fixed_ms) / 1000
    if mode == "randomized":
        low, high = sorted((max(0, min_ms), max(0, max_ms)))
        return (rng or random).uniform(low, high) / 1000
    return 0.0


def debounce_window(mode: str | None, *, min_ms: int, max_ms: int, group_ms: int | None, group: bool,
                    rng: random.Random | None = None) -> float:  # fmt: skip
    """Seconds to hold a chat's messages before the agent sees them (0: no debounce)."""
    if mode not in ("fixed", "randomized"):
        return 0.0
    low = group_ms if group and group_ms is not None else min_ms
    if mode == "fixed":
        return max(0, low) / 1000
    low, high = sorted((max(0, low), max(0, max_ms)))
    return (rng or random).uniform(low, high) / 1000
