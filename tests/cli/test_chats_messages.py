"""`omni chats` and `omni messages` against a running server: chats and messages made by loopback traffic (sent with
`omni send`, received by injection), listed with filters, found by prefix / name / platform id, and acted on — state,
read receipts, edits, reactions, deletes — on the platform (the loopback outbox) and in the record."""

from __future__ import annotations

import uuid
from typing import Any

from tests.cli.conftest import Cli, unique
from tests.cli.test_send import loopback, outbox, wait_until


def inject(cli_run: Cli, instance_id: str, *messages: dict[str, Any]) -> list[str]:
    answer = cli_run.server.post(f"/api/v2/instances/{instance_id}/loopback/inbound",
                                 json={"messages": list(messages)})  # fmt: skip
    answer.raise_for_status()
    return answer.json()["data"]["externalIds"]


def received(cli_run: Cli, instance: dict[str, Any], chat: str, count: int, *extra: str) -> list[dict[str, Any]]:
    """The chat's messages, once `count` of them are stored."""

    def ready() -> Any:
        run = cli_run("chats", "messages", chat, "--instance", instance["id"], "--include-deleted", *extra)
        return run.data if run.code == 0 and len(run.data) >= count else None

    return wait_until(ready)


def test_chats_list_find_and_change_state(cli_run: Cli) -> None:
    inst = loopback(cli_run, "chats")
    dm, group = unique("dm"), unique("grp")
    inject(cli_run, inst["id"],
           {"chatId": dm, "from": dm, "fromName": "Ann", "text": "hi"},
           {"chatId": group, "from": "u1", "fromName": "Bo", "text": "hello all", "isGroup": True},
           {"chatId": group, "from": "u2", "fromName": "Cy", "text": "yo", "isGroup": True})  # fmt: skip
    received(cli_run, inst, group, 2)
    received(cli_run, inst, dm, 1)
    chats = cli_run.ok("chats", "list", "--instance", inst["name"])
    assert {c["externalId"] for c in chats} == {dm, group}
    groups = cli_run.ok("chats", "list", "--instance", inst["name"], "--type", "group")
    assert [c["externalId"] for c in groups] == [group] and groups[0]["messageCount"] == 2
    # a name, then found by it, by a prefix of the id, and by the platform id
    team = unique("Team")
    named = cli_run.ok("chats", "update", groups[0]["id"][:8], "--name", team, "--description", "ours")
    assert named["name"] == team and named["description"] == "ours"
    assert cli_run.ok("chats", "get", team)["id"] == named["id"]
    assert cli_run.ok("chats", "get", named["id"][:8])["id"] == named["id"]
    assert cli_run.ok("chats", "get", group, "-i", inst["name"])["id"] == named["id"]
    assert [c["id"] for c in cli_run.ok("chats", "list", "--search", team)] == [named["id"]]
    # state
    assert cli_run.ok("chats", "archive", team)["isArchived"] is True
    assert [c["externalId"] for c in cli_run.ok("chats", "list", "-i", inst["name"], "--archived")] == [group]
    assert [c["externalId"] for c in cli_run.ok("chats", "list", "-i", inst["name"], "--no-archived")] == [dm]
    assert cli_run.ok("chats", "unarchive", team)["isArchived"] is False
    assert cli_run.ok("chats", "pin", team)["isPinned"] is True
    assert [c["id"] for c in cli_run.ok("chats", "list", "-i", inst["name"], "--pinned")] == [named["id"]]
    assert cli_run.ok("chats", "unpin", team)["isPinned"] is False
    muted = cli_run("chats", "mute", team, "--hours", "2", ok=True).json
    assert muted["data"]["isMuted"] is True and "muted until" in muted["message"]
    assert cli_run.ok("chats", "unmute", team)["isMuted"] is False
    assert cli_run.ok("chats", "pause", team)["settings"]["agentPaused"] is True
    assert "agentPaused" not in cli_run.ok("chats", "resume", team)["settings"]
    assert cli_run.ok("chats", "read", team)["unreadCount"] == 0
    people = cli_run.ok("chats", "participants", team)
    assert isinstance(people, list)
    roster = cli_run("chats", "participants", named["id"], human=True, ok=True).out
    assert ("Platform id" in roster) == bool(people)
    # human output
    table = cli_run("chats", "list", "-i", inst["name"], human=True, ok=True).out
    assert team in table and dm in table and "Unread" in table
    details = cli_run("chats", "get", team, human=True, ok=True).out
    assert "externalId" in details and group in details
    # create and delete
    made = cli_run.ok("chats", "create", "-i", inst["name"], "--external-id", unique("imp"), "--type", "dm",
                      "--name", unique("Imported"), "--settings", '{"pinned": true}')  # fmt: skip
    assert made["isPinned"] is True and made["channel"] == "loopback"
    cli_run.ok("chats", "delete", made["id"][:8], "--yes")
    assert made["id"] not in [c["id"] for c in cli_run.ok("chats", "list", "-i", inst["name"])]
    assert made["id"] in [c["id"] for c in cli_run.ok("chats", "list", "-i", inst["name"], "--include-deleted")]


def test_chat_messages_filters_and_table(cli_run: Cli) -> None:
    inst = loopback(cli_run, "msgs")
    chat = unique("c")
    long_text = "the quick brown fox jumps over the lazy dog " * 5
    inject(cli_run, inst["id"],
           {"chatId": chat, "from": chat, "fromName": "Ann", "text": long_text},
           {"chatId": chat, "from": chat, "fromName": "Ann", "type": "image",
            "media": {"url": "https://example.com/cat.jpg", "mimeType": "image/jpeg", "caption": "a cat"}},
           {"chatId": chat, "from": chat, "fromName": "Ann", "text": "needle in a haystack"})  # fmt: skip
    cli_run.ok("send", "-i", inst["name"], "--to", chat, "--text", "my answer")
    everything = received(cli_run, inst, chat, 4)
    assert len(everything) == 4
    by = lambda *flags: cli_run.ok("chats", "messages", chat, "-i", inst["name"], *flags)  # noqa: E731
    assert [m["messageType"] for m in by("--media-only")] == ["image"]
    assert [m["messageType"] for m in by("--images-only")] == ["image"]
    assert [m["messageType"] for m in by("--type", "image", "--type", "audio")] == ["image"]
    assert [m["textContent"] for m in by("--search", "NEEDLE")] == ["needle in a haystack"]
    assert [m["textContent"] for m in by("--from-me")] == ["my answer"]
    assert len(by("--not-from-me")) == 3
    assert len(by("--since", "1h")) == 4 and by("--before", "1h") == []
    assert len(by("--after", "2000-01-01")) == 4
    assert [m["textContent"] for m in by("--limit", "1")] == ["my answer"]
    page = cli_run("chats", "messages", chat, "-i", inst["name"], "--limit", "3", ok=True).json
    rest = by("--cursor", page["meta"]["cursor"])
    assert page["meta"]["hasMore"] is True and len(rest) == 1
    table = cli_run("chats", "messages", chat, "-i", inst["name"], "--truncate", "20", human=True, ok=True).out
    assert "the quick brown fox…" in table and "Ann" in table and "me" in table and long_text not in table
    bad = cli_run("chats", "messages", chat, "-i", inst["name"], "--since", "last tuesday", ok=False).json
    assert bad["details"]["code"] == "USAGE" and "--since" in bad["details"]["fields"]


def test_messages_list_search_get_and_actions(cli_run: Cli) -> None:
    inst = loopback(cli_run, "acts")
    chat = unique("c")
    word = uuid.uuid4().hex[:10]
    inject(cli_run, inst["id"],
           {"chatId": chat, "from": chat, "fromName": "Ann", "text": f"first {word}"},
           {"chatId": chat, "from": chat, "fromName": "Ann", "text": "second"})  # fmt: skip
    mine = cli_run.ok("send", "-i", inst["name"], "--to", chat, "--text", "typo heer")
    received(cli_run, inst, chat, 3)
    listed = cli_run.ok("messages", "list", "--chat", chat, "-i", inst["name"])
    assert [m["textContent"] for m in listed] == ["typo heer", "second", f"first {word}"]
    found = cli_run.ok("messages", "search", word)
    assert [m["textContent"] for m in found] == [f"first {word}"]
    assert cli_run.ok("messages", "search", word, "-i", inst["name"], "--chat", chat)[0]["id"] == found[0]["id"]
    table = cli_run("messages", "search", word, human=True, ok=True).out
    assert word in table and "Chat" in table
    first = cli_run.ok("messages", "get", found[0]["id"][:8])
    assert first["id"] == found[0]["id"]
    assert cli_run.ok("messages", "get", first["externalId"], "-i", inst["name"])["id"] == first["id"]
    # read receipts on the platform: one message, a chat (its unread ones), a batch of ids
    # (loopback takes read receipts without recording them: the answers say the platform took them)
    assert cli_run.ok("messages", "read", first["id"][:8])["status"] == "sent"
    by_chat = cli_run("messages", "read", "--chat", chat, "-i", inst["name"], ok=True).json
    assert by_chat["data"]["messages"] == 2 and by_chat["data"]["status"] == "sent"
    assert cli_run.ok("chats", "get", chat, "-i", inst["name"])["unreadCount"] == 0
    batch = cli_run("messages", "read", "--batch", "--ids", f"{listed[1]['id'][:8]},{listed[2]['id']}", ok=True).json
    assert batch["message"] == "2 message(s) in 1 chat(s) marked read"
    assert [(r["messages"], r["status"]) for r in batch["data"]] == [(2, "sent")]
    # star, edit, react, delete
    assert cli_run("messages", "star", first["id"][:8], ok=True).json["message"].startswith("message")
    cli_run.ok("messages", "unstar", first["id"][:8])
    edited = cli_run.ok("messages", "edit", mine["messageId"][:8], "--text", "typo here")
    assert edited["textContent"] == "typo here" and edited["editCount"] == 1 and edited["channel"]["status"] == "sent"
    wrong = cli_run("messages", "edit", first["id"], "--text", "x", human=True, ok=False)
    assert "only our own messages" in wrong.err and "--stored-only" in wrong.err
    assert cli_run.ok("messages", "edit", first["id"], "--text", "fixed", "--stored-only")["textContent"] == "fixed"
    reacted = cli_run.ok("messages", "react", first["id"][:8], "🎉", "--on-channel")
    assert reacted["reactionCounts"] == {"🎉": 1} and reacted["channel"]["status"] == "sent"
    assert cli_run.ok("messages", "react", first["id"][:8], "🎉", "--remove")["reactionCounts"] == {}
    cli_run.ok("messages", "delete", listed[1]["id"][:8], "--yes")
    assert cli_run.ok("messages", "get", listed[1]["id"])["status"] == "deleted"
    assert listed[1]["id"] not in [m["id"] for m in cli_run.ok("messages", "list", "--chat", chat, "-i", inst["id"])]
    cli_run.ok("messages", "delete", mine["messageId"], "--on-channel", "--yes")
    kinds = [i["kind"] for i in outbox(cli_run, inst["id"], chat)]
    for kind in ("star", "edit", "reaction", "delete"):
        assert kind in kinds, kinds
    updated = cli_run.ok("messages", "update", first["id"][:8], "--transcription", "spoken words")
    assert updated["transcription"] == "spoken words"


def test_bad_ids_and_flags_say_what_to_do(cli_run: Cli) -> None:
    missing = cli_run("chats", "get", unique("no-such-chat"), human=True, ok=False)
    assert "no chat matches" in missing.err and "omni chats list" in missing.err
    gone = cli_run("messages", "get", str(uuid.uuid4()), ok=False).json
    assert gone["details"]["code"] == "NOT_FOUND"
    nothing = cli_run("messages", "read", ok=False).json
    assert nothing["details"]["code"] == "USAGE" and "--chat" in nothing["error"]
    both = cli_run("messages", "read", "abcd1234", "--chat", "x", ok=False).json
    assert both["details"]["code"] == "USAGE"
    inst = loopback(cli_run, "bad")
    chat = unique("c")
    inject(cli_run, inst["id"], {"chatId": chat, "from": chat, "text": "hi"})
    received(cli_run, inst, chat, 1)
    twice = cli_run("chats", "mute", chat, "--hours", "1", "--days", "1", ok=False).json
    assert twice["error"] == "give --hours or --days, not both"
    assert cli_run("chats", "update", chat, ok=False).json["error"] == "nothing to change"
    bad_type = cli_run("chats", "list", "--type", "banana", ok=False)
    assert bad_type.code != 0 and "banana" in bad_type.out + bad_type.err
