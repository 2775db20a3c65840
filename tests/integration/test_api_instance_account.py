"""Account and group actions of an instance (check-number, profile, block, privacy, calls, groups) and sync jobs, on
the loopback channel through the owning node. Real postgres + nats-server."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from tests.integration.conftest import Api, live_client
from tests.integration.test_pipeline import loopback, until

pytestmark = pytest.mark.pipeline
PNG = b"\x89PNG\r\n\x1a\n"

CONTACTS = [{"id": "alice", "name": "Alice", "phone": "+4915112345678"}, {"id": "bob", "name": "Bob"}]
HISTORY = {
    "chat-1": [{"id": f"old-{i}", "from": "alice", "fromName": "Alice", "text": f"old message {i}",
                "at": f"2026-11-{10 + i // 100:02d}T10:{(i % 100) // 2:02d}:{(i % 2) * 30:02d}Z"} for i in range(250)],
    "chat-2": [{"id": "ancient", "from": "bob", "text": "from long ago", "at": "2020-01-01T00:00:00Z"},
               {"id": "recent", "from": "bob", "text": "from last week",  # naive: read as UTC
                "at": (datetime.now(UTC) - timedelta(days=7)).replace(tzinfo=None).isoformat()}],
}  # fmt: skip


async def test_account_actions_reach_the_channel(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, config={"contacts": CONTACTS})
        base = f"/api/v2/instances/{instance}"
        r = await client.post(f"{base}/check-number", json={"phones": ["+49 151 12345678", "+1 555 0100"]})
        assert r.status_code == 200, r.text
        assert [(n["exists"], n.get("id")) for n in r.json()["data"]] == [(True, "alice"), (False, None)]

        r = await client.put(f"{base}/profile/name", json={"name": "Support"})
        assert r.status_code == 200 and r.json()["data"]["name"] == "Support"
        r = await client.put(f"{base}/profile/status", json={"status": "Here 9-5"})
        assert r.json()["data"]["status"] == "Here 9-5"
        picture = base64.b64encode(PNG + b"fake picture").decode()
        r = await client.put(f"{base}/profile/picture", json={"base64": picture})
        assert r.status_code == 200 and r.json()["data"]["pictureId"]
        own = (await client.get(f"{base}/profile")).json()["data"]
        assert own["name"] == "Support" and own["pictureUrl"].endswith(r.json()["data"]["pictureId"])
        assert (await client.delete(f"{base}/profile/picture")).json()["data"]["pictureId"] is None
        assert (await client.get(f"{base}/users/alice/profile")).json()["data"]["phone"] == "+4915112345678"
        r = await client.get(f"{base}/users/nobody/profile")
        assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"

        assert (await client.post(f"{base}/block", json={"userId": "bob"})).json()["data"] == {"id": "bob",
                                                                                              "blocked": True}  # fmt: skip
        assert (await client.post(f"{base}/block", json={"phone": "+15550100"})).status_code == 200
        assert (await client.get(f"{base}/blocklist")).json()["items"] == ["+15550100", "bob"]
        r = await client.request("DELETE", f"{base}/block", json={"userId": "bob"})
        assert r.status_code == 200 and r.json()["data"]["blocked"] is False
        assert (await client.get(f"{base}/blocklist")).json()["items"] == ["+15550100"]
        assert (await client.get(f"{base}/privacy")).json()["data"]["readReceipts"] == "all"
        r = await client.post(f"{base}/calls/reject", json={"callId": "c1", "callFrom": "alice"})
        assert r.status_code == 200 and r.json()["data"] == {"ok": True}


async def test_group_actions(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client)
        base = f"/api/v2/instances/{instance}"
        r = await client.post(f"{base}/groups", json={"subject": "Team", "participants": ["alice", "bob"]})
        assert r.status_code == 201, r.text
        group = r.json()["data"]
        assert group["name"] == "Team" and group["memberCount"] == 3
        listed = (await client.get(f"{base}/groups")).json()["items"]
        assert [g["id"] for g in listed] == [group["id"]] and len(listed[0]["participants"]) == 3

        first = (await client.get(f"{base}/groups/{group['id']}/invite")).json()["data"]
        assert first == (await client.get(f"{base}/groups/{group['id']}/invite")).json()["data"]  # stable until revoked
        second = (await client.post(f"{base}/groups/{group['id']}/invite/revoke")).json()["data"]
        assert second["code"] != first["code"]
        r = await client.post(f"{base}/groups/join", json={"code": first["link"]})
        assert r.status_code == 404, "a revoked invite no longer joins"
        r = await client.post(f"{base}/groups/join", json={"code": second["link"]})
        assert r.status_code == 200 and r.json()["data"]["id"] == group["id"]

        r = await client.post(f"{base}/groups/{group['id']}/participants",
                              json={"action": "remove", "participants": ["bob", "carol"]})  # fmt: skip
        assert [(p["id"], p["status"]) for p in r.json()["data"]] == [("bob", "ok"), ("carol", "not a member")]
        r = await client.post(f"{base}/groups/{group['id']}/participants",
                              json={"action": "promote", "participants": ["alice"]})  # fmt: skip
        assert r.json()["data"] == [{"id": "alice", "status": "ok"}]
        picture = base64.b64encode(b"\xff\xd8\xff jpeg bytes").decode()
        r = await client.put(f"{base}/groups/{group['id']}/picture", json={"base64": picture})
        assert r.status_code == 200 and r.json()["data"]["pictureId"]
        r = await client.put(f"{base}/groups/unknown-group/picture", json={"base64": picture})
        assert r.status_code == 404


async def test_bad_input_and_unconnected_instances(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client)
        base = f"/api/v2/instances/{instance}"
        for path, body, field in [
            ("check-number", {"phones": []}, "phones"),
            ("check-number", {"phones": ["not a phone"]}, None),
            ("check-number", {"phones": ["+1555"] * 101}, "phones"),
            ("block", {}, None),
            ("block", {"userId": "a", "phone": "+15550100"}, None),
            ("groups", {"subject": ""}, "subject"),
            ("groups/join", {"code": 5}, "code"),
            ("sync", {"type": "everything"}, "type"),
            ("sync", {"depth": "2w"}, "depth"),
        ]:
            r = await client.post(f"{base}/{path}", json=body)
            assert r.status_code == 400, (path, body, r.text)
            assert r.json()["error"]["code"] == "VALIDATION_ERROR"
            if field:
                assert field in r.json()["error"]["details"]["fields"], r.text
        r = await client.put(f"{base}/profile/picture", json={"base64": "%%%"})
        assert r.status_code == 400 and "base64" in r.json()["error"]["details"]["fields"]
        for url in (
            "http://127.0.0.1:9/none.png",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1",
            "http://127.0.0.1:99999/x.png",
            "http://no-such-host.invalid/x.png",
        ):
            r = await client.put(f"{base}/profile/picture", json={"url": url})
            assert r.status_code == 400 and "url" in r.json()["error"]["details"]["fields"], (url, r.text)
        r = await client.put(f"{base}/profile/picture", json={"base64": base64.b64encode(b"GIF89a").decode()})
        assert r.status_code == 400 and "base64" in r.json()["error"]["details"]["fields"]
        wrapped = "data:image/png;base64," + base64.encodebytes(PNG + b"x" * 200).decode()  # with line breaks
        assert (await client.put(f"{base}/profile/picture", json={"base64": wrapped})).status_code == 200
        r = await client.post(f"{base}/check-number", json={"phones": ["+15550100", "call me"]})
        assert "phones" in r.json()["error"]["details"]["fields"], r.text

        idle = await loopback(client, "idle", connect=False)
        r = await client.post(f"/api/v2/instances/{idle}/check-number", json={"phones": ["+15550100"]})
        assert r.status_code == 409 and r.json()["error"]["code"] == "NOT_CONNECTED"


async def test_a_channel_without_the_action_says_so(api: Api) -> None:
    async with live_client(api) as client:
        from omni.builtin.loopback import Loopback

        assert Loopback.supports("check_numbers") and not Loopback.supports("handle_webhook")
        instance = await loopback(client)
        # the journal's "what can this channel do" is the class: a plain Channel subclass supports none of them
        from omni.channels.base import Channel

        assert not any(Channel.supports(m) for m in ("check_numbers", "create_group", "fetch_history"))
        r = await client.post(f"/api/v2/instances/{instance}/sync", json={"type": "profile", "wait": 10})
        assert r.status_code == 202 and r.json()["data"]["status"] == "completed", r.text


async def test_sync_stores_the_past_once_with_progress(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, config={"contacts": CONTACTS, "history": HISTORY,
                                                  "groups": [{"id": "grp-1", "name": "Old group", "type": "group",
                                                              "participants": [{"id": "alice"}]}]})  # fmt: skip
        base = f"/api/v2/instances/{instance}"
        # a live message makes chat-1 known; chat-2 is synced by its id
        r = await client.post(f"{base}/loopback/inbound", json={"chatId": "chat-1", "from": "alice", "text": "hi"})
        assert r.status_code in (200, 201, 202), r.text
        await until(lambda: _count(api, instance), what="the live message stored")
        r = await client.post(f"{base}/sync", json={"type": "all", "depth": "all", "wait": 25})
        assert r.status_code == 202, r.text
        job = r.json()["data"]
        assert job["status"] == "completed", job
        progress = job["progress"]
        assert progress["contacts"] == 2 and progress["groups"] == 1 and progress["chats"] >= 2
        assert progress["stored"] == 250 and progress["duplicates"] == 0

        async def synced() -> bool:
            return await _count(api, instance) >= 251

        await until(synced, what="the synced messages stored")
        r = await client.post(f"{base}/sync", json={"type": "messages", "channelId": "chat-2", "depth": "30d",
                                                    "wait": 25})  # fmt: skip
        assert r.json()["data"]["progress"]["stored"] == 1, "only what is inside the depth"
        again = (await client.post(f"{base}/sync", json={"type": "messages", "depth": "all", "wait": 25})).json()
        assert again["data"]["progress"]["stored"] == 1  # chat-2's ancient one; the rest are duplicates
        assert again["data"]["progress"]["duplicates"] == 251
        await asyncio.sleep(0.5)
        conn = await asyncpg.connect(api.db_url)
        try:
            rows = await conn.fetch("select source, count(*) from messages where instance_id = $1 group by source",
                                    instance)  # fmt: skip
            chats = await conn.fetch("select external_id, chat_type, unread_count from chats where instance_id = $1",
                                     instance)  # fmt: skip
            names = await conn.fetch("select platform_user_id, platform_username from platform_identities where "
                                     "instance_id = $1 order by 1", instance)  # fmt: skip
        finally:
            await conn.close()
        assert dict((r["source"], r["count"]) for r in rows) == {"realtime": 1, "sync": 252}
        by_id = {c["external_id"]: c for c in chats}
        assert by_id["chat-1"]["unread_count"] == 1, "synced history is never unread"
        assert by_id["grp-1"]["chat_type"] == "group"
        assert {(n["platform_user_id"], n["platform_username"]) for n in names} >= {("alice", "Alice"), ("bob", "Bob")}

        jobs = (await client.get(f"{base}/sync")).json()
        assert len(jobs["items"]) == 3 and jobs["items"][0]["id"] == again["data"]["id"]
        one = (await client.get(f"{base}/sync/{job['id']}")).json()["data"]
        assert one["type"] == "all" and one["completedAt"]


async def test_a_sync_waits_for_the_instance_and_survives_a_restart(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False, config={"history": HISTORY})
        base = f"/api/v2/instances/{instance}"
        r = await client.post(f"{base}/sync", json={"type": "messages", "channelId": "chat-1", "depth": "all"})
        assert r.status_code == 202 and r.json()["data"]["status"] == "pending"
        job = r.json()["data"]["id"]
        doomed = (await client.post(f"{base}/sync", json={"type": "groups"})).json()["data"]["id"]
        cancelled = await client.post(f"{base}/sync/{doomed}/cancel")
        assert cancelled.status_code == 200 and cancelled.json()["data"]["status"] == "cancelled"
        assert (await client.post(f"{base}/sync/{doomed}/cancel")).status_code == 409
        await asyncio.sleep(0.5)
        assert (await client.get(f"{base}/sync/{job}")).json()["data"]["status"] == "pending"
        assert (await client.post(f"{base}/connect")).status_code == 200

        async def done() -> dict[str, Any] | None:
            data = (await client.get(f"{base}/sync/{job}")).json()["data"]
            return data if data["status"] == "completed" else None

        finished = await until(done, timeout=45, what="the job run after connect")
        assert finished["progress"]["stored"] == 250
        assert (await client.get(f"{base}/sync/{doomed}")).json()["data"]["status"] == "cancelled"


async def test_a_job_cut_short_by_a_disconnect_waits_and_resumes(api: Api) -> None:
    big = {"chat-1": [{"id": f"m{i}", "from": "alice", "text": str(i), "at": f"2026-11-01T00:00:{i % 60:02d}Z"}
                      for i in range(3000)]}  # fmt: skip
    async with live_client(api) as client:
        instance = await loopback(client, config={"history": big})
        base = f"/api/v2/instances/{instance}"
        job = (await client.post(f"{base}/sync", json={"type": "messages", "channelId": "chat-1",
                                                       "depth": "all"})).json()["data"]["id"]  # fmt: skip
        assert (await client.post(f"{base}/disconnect")).status_code == 200

        async def settled() -> dict[str, Any] | None:
            data = (await client.get(f"{base}/sync/{job}")).json()["data"]
            return data if data["status"] in ("pending", "completed") else None

        state = await until(settled, what="the job put back to pending (or done)")
        if state["status"] == "pending":  # never left running with nobody on it
            assert (await client.post(f"{base}/connect")).status_code == 200

            async def done() -> bool:
                return (await client.get(f"{base}/sync/{job}")).json()["data"]["status"] == "completed"

            await until(done, timeout=60, what="the job finished after the reconnect")

        async def stored() -> bool:
            return await _count(api, instance) == 3000

        await until(stored, what="all 3,000 stored, once")
        await asyncio.sleep(0.5)
        assert await _count(api, instance) == 3000


async def _count(api: Api, instance: str) -> int:
    conn = await asyncpg.connect(api.db_url)
    try:
        return await conn.fetchval("select count(*) from messages where instance_id = $1", instance)
    finally:
        await conn.close()


async def test_stored_media_is_served_to_keys_that_may_see_the_instance(api: Api) -> None:
    from omni.api.routes.media import media_root

    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        folder = media_root(api.app.ctx.data_dir, instance) / "2026-11"
        folder.mkdir(parents=True)
        (folder / "ABC123.ogg").write_bytes(b"OggS voice")
        (api.app.ctx.data_dir / "secret.txt").write_text("not yours")
        r = await client.get(f"/api/v2/media/{instance}/2026-11/ABC123.ogg")
        assert r.status_code == 200 and r.content == b"OggS voice"
        assert r.headers["content-type"].startswith("audio/ogg")
        for path in ("2026-11/none.ogg", "../../../secret.txt", "..%2F..%2F..%2Fsecret.txt"):
            r = await client.get(f"/api/v2/media/{instance}/{path}")
            assert r.status_code == 404, (path, r.status_code)
        other = await api.new_key(name="other", scopes=["messages:read"], instanceIds=[str(__import__("uuid").uuid4())])
        r = await client.get(f"/api/v2/media/{instance}/2026-11/ABC123.ogg", headers={"x-api-key": other})
        assert r.status_code == 403
        r = await client.get(f"/api/v2/media/{instance}/2026-11/ABC123.ogg", headers={"x-api-key": "omni_sk_nope"})
        assert r.status_code == 401


async def test_the_qr_code_as_v2_names_it_and_as_a_png(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False, config={"pairAfterMs": 60_000, "qrRotateMs": 60_000})
        assert (await client.post(f"/api/v2/instances/{instance}/connect")).status_code == 200

        async def shown() -> dict[str, Any] | None:
            r = await client.get(f"/api/v2/instances/{instance}/qr?png=true")
            return r.json()["data"] if r.status_code == 200 else None

        qr = await until(shown, what="a QR code")
        assert qr["qr"] == qr["qrCode"] and qr["qr"].startswith("omni-loopback-pair:") and qr["expiresAt"]
        assert base64.b64decode(qr["png"].removeprefix("data:image/png;base64,")).startswith(b"\x89PNG")
        plain = (await client.get(f"/api/v2/instances/{instance}/qr")).json()["data"]
        assert plain.get("png") is None
