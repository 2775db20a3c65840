"""The pure parts of the dispatcher: reply filter, sessions, what the agent reads, chunking, delays."""

from __future__ import annotations

import random

from omni.agents import followups, replies


def test_reply_filter() -> None:
    f = replies.reply_filter
    assert not f(None, dm=True, mentioned=True, replied_to_bot=True, text="x").reply
    assert f({"mode": "all"}, dm=False, mentioned=False, replied_to_bot=False, text="x").reply
    conditions = {"onDm": True, "onMention": False, "onReply": True, "onNameMatch": True, "namePatterns": ["Omni"]}
    spec = {"mode": "filtered", "conditions": conditions}
    assert f(spec, dm=True, mentioned=False, replied_to_bot=False, text="").type == "dm"
    assert not f(spec, dm=False, mentioned=True, replied_to_bot=False, text="hi").reply
    assert f(spec, dm=False, mentioned=False, replied_to_bot=True, text="").type == "reply"
    assert f(spec, dm=False, mentioned=False, replied_to_bot=False, text="hey omni!").type == "name_match"
    assert replies.is_dm({"id": "5511@s.whatsapp.net"}) and not replies.is_dm({"id": "123@g.us"})
    assert not replies.is_dm({"id": "c", "type": "group"})


def test_session_ids() -> None:
    assert replies.session_id("per_user", user="u", chat="c") == "u"
    assert replies.session_id("per_chat", user="u", chat="c") == "c"
    assert replies.session_id("per_user_per_chat", user="u", chat="c") == "u:c"
    assert replies.session_id(None, user=None, chat="c") == "c:c"


def test_compose_prefixes_quotes_and_media() -> None:
    msgs = [
        {"text": "hi", "sender": {"name": "Ana"}},
        {
            "text": "look",
            "type": "image",
            "media": {"path": "/m/1.jpg", "url": "http://x/1.jpg"},
            "sender": {"name": "Ana"},
        },
        {"text": "yes", "quotedText": "q" * 600, "sender": {"name": "Bo"}},
        {"type": "audio", "media": {"voiceNote": True}, "sender": {}},
    ]
    text = replies.compose(msgs, prefix_name=True, media_path=True).split("\n")
    assert text[0] == "[Ana]: hi"
    assert text[1] == "[Ana]: [image] /m/1.jpg look"
    assert text[2].startswith("[Bo]: [Quoting: qqq") and "…]" in text[2] and len(text[2]) < 530
    assert text[3] == "🎤"


def test_chunk_cuts_at_the_best_boundary_never_below_half() -> None:
    para = "First sentence here. Second one follows.\n\nAnother paragraph starts. It goes on a while."
    pieces = replies.chunk(para, 60)
    assert pieces[0] == "First sentence here. Second one follows."
    assert all(len(p) <= 60 for p in pieces)
    words = " ".join(["word"] * 100)
    assert all(len(p) <= 50 and len(p) >= 25 for p in replies.chunk(words, 50)[:-1])
    assert replies.chunk("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    text = "".join(replies.chunk("a b c. " * 500, 200))
    assert text.replace(" ", "") == ("a b c. " * 500).replace(" ", "")


def test_split_reply_and_delays() -> None:
    assert replies.split_reply("one\n\n\ntwo", auto_split=True, limit=None) == ["one", "two"]
    assert replies.split_reply("one\n\ntwo", auto_split=False, limit=None) == ["one\n\ntwo"]
    assert replies.split_reply("  ", auto_split=True, limit=10) == []
    assert replies.split_delay("fixed", fixed_ms=500, min_ms=0, max_ms=0) == 0.5
    assert replies.split_delay("disabled", fixed_ms=500, min_ms=0, max_ms=0) == 0
    rng = random.Random(1)
    assert all(0.3 <= replies.split_delay("randomized", fixed_ms=0, min_ms=300, max_ms=1000, rng=rng) <= 1.0
               for _ in range(50))  # fmt: skip
    assert replies.debounce_window("fixed", min_ms=800, max_ms=0, group_ms=200, group=True) == 0.2
    assert replies.debounce_window("disabled", min_ms=800, max_ms=0, group_ms=None, group=False) == 0


def test_follow_up_schedule_and_prompt() -> None:
    fixed = {"schedule": {"kind": "fixed", "intervalsMinutes": [30, 120]}}
    assert [followups.delay(fixed, i).total_seconds() / 60 for i in range(3)] == [30, 120, 30]
    exp = {"schedule": {"kind": "exponential", "initialMinutes": 15, "factor": 2, "maxMinutes": 50}}
    assert [followups.delay(exp, i).total_seconds() / 60 for i in range(3)] == [15, 30, 50]
    prompt = followups.render_prompt("idle {{minutes}}m #{{sequenceIndex}} {{chatName}}", minutes=5, index=2,
                                     chat_name="Shop")  # fmt: skip
    assert prompt == "idle 5m #2 Shop"
