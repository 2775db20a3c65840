"""The account and group actions through neonize (the fake keeps a tiny WhatsApp: registered numbers, groups,
invites, a block list), and how their errors reach omni (codes the API maps to 400 / 404)."""

from __future__ import annotations

from pathlib import Path

import pytest
from omni_whatsapp.plugin import WhatsApp

from omni.channels.base import ChannelError

from .harness import paired

ALICE, BOB, CAROL = "4915112345678", "4915187654321", "4915100000099"


async def test_every_account_method_is_offered() -> None:
    for method in ("check_numbers", "get_profile", "update_profile", "set_profile_picture", "set_blocked",
                   "fetch_blocklist", "fetch_privacy", "create_group", "group_invite_link", "join_group",
                   "set_group_picture", "update_group_participants", "reject_call", "fetch_contacts", "fetch_groups",
                   "fetch_history"):  # fmt: skip
        assert WhatsApp.supports(method), method


async def test_numbers_profiles_block_list_privacy(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    ch = h.channel
    found = await ch.check_numbers(["+49 151 12345678", "+4915100000099"])
    assert [(f["exists"], f["id"]) for f in found] == [(True, f"{ALICE}@s.whatsapp.net"), (False, None)]
    alice = await ch.get_profile(f"+{ALICE}")
    assert (alice["name"], alice["status"], alice["phone"]) == ("Alice Example", "Hey there!", f"+{ALICE}")
    with pytest.raises(ChannelError) as missing:
        await ch.get_profile(CAROL)
    assert missing.value.code == "NOT_FOUND"
    own = await ch.update_profile(status="On holiday")
    assert own["status"] == "On holiday" and h.client.called("set_status_message") == [("On holiday",)]
    with pytest.raises(ChannelError) as name:
        await ch.update_profile(name="New name")
    assert name.value.code == "CAPABILITY_NOT_SUPPORTED"
    assert await ch.set_profile_picture(b"\xff\xd8\xff jpeg") == {"pictureId": "PIC1"}
    assert await ch.set_blocked(f"+{BOB}", True) == {"id": f"{BOB}@s.whatsapp.net", "blocked": True}
    assert await ch.fetch_blocklist() == [f"{BOB}@s.whatsapp.net"]
    await ch.set_blocked(f"{BOB}@s.whatsapp.net", False)
    assert await ch.fetch_blocklist() == []
    privacy = await ch.fetch_privacy()
    assert privacy["lastSeen"] == "contacts" and privacy["readReceipts"] == "all"
    assert await ch.fetch_contacts() == [{"id": f"{ALICE}@s.whatsapp.net", "name": "Alice Example",
                                          "phone": f"+{ALICE}"}]  # fmt: skip
    with pytest.raises(ChannelError) as bad:
        await ch.set_blocked("not a number", True)
    assert bad.value.code == "VALIDATION_ERROR"
    await ch.reject_call("CALL9", f"{BOB}@s.whatsapp.net")
    assert h.client.called("reject_call")[-1][1] == "CALL9"


async def test_groups_create_invite_join_picture_members(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    ch = h.channel
    made = await ch.create_group("Launch", [f"+{ALICE}", f"{BOB}@s.whatsapp.net"])
    assert made["name"] == "Launch" and made["memberCount"] == 3 and made["id"].endswith("@g.us")
    (listed,) = await ch.fetch_groups()
    assert listed["id"] == made["id"] and {p["phone"] for p in listed["participants"]} >= {f"+{ALICE}", f"+{BOB}"}
    assert listed["participants"][0]["isSuperAdmin"] is True
    members = await ch.fetch_contacts(parent=made["id"])
    assert len(members) == 3 and all(m["parentId"] == made["id"] for m in members)
    first = await ch.group_invite_link(made["id"])
    assert first["link"].startswith("https://chat.whatsapp.com/") and first["code"]
    fresh = await ch.group_invite_link(made["id"], revoke=True)
    assert fresh["code"] != first["code"]
    assert await ch.join_group(fresh["link"]) == {"id": made["id"]}
    assert h.client.called("join_group_with_link")[-1] == (fresh["code"],)
    with pytest.raises(ChannelError) as revoked:
        await ch.join_group(first["code"])
    assert revoked.value.code == "NOT_FOUND"
    assert await ch.set_group_picture(made["id"], b"\x89PNG") == {"pictureId": "GPIC1"}
    result = await ch.update_group_participants(made["id"], "remove", [f"+{BOB}", f"+{CAROL}"])
    assert [r["status"] for r in result] == ["ok", "error 404"]
    with pytest.raises(ChannelError) as unknown:
        await ch.group_invite_link("120363999999999999@g.us")
    assert unknown.value.code == "NOT_FOUND"
    with pytest.raises(ChannelError) as not_group:
        await ch.set_group_picture(f"{ALICE}@s.whatsapp.net", b"x")
    assert not_group.value.code == "VALIDATION_ERROR"
