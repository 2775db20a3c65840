"""Persons over the real API: list/search/get/update, presence, timeline, link/unlink/merge, instance restriction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from omni.db.models import OmniEvent, Person, PlatformIdentity
from tests.integration import seed
from tests.integration.conftest import Api
from tests.integration.test_api_chats import make_chat, walk

BASE = datetime(2026, 3, 1, tzinfo=UTC)


async def person(api: Api, **fields: Any) -> uuid.UUID:
    return (await seed.insert(api.db_url, Person, **fields))["id"]


async def identity(api: Api, person_id: uuid.UUID, instance_id: uuid.UUID, user: str, **fields: Any) -> uuid.UUID:
    fields.setdefault("channel", "loopback")
    row = await seed.insert(api.db_url, PlatformIdentity, person_id=person_id, instance_id=instance_id,
                            platform_user_id=user, **fields)  # fmt: skip
    return row["id"]


async def test_list_search_get_update(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    ann = await person(api, display_name="Ann Lee", primary_phone="+15550001", primary_email="ann@example.com")
    bob = await person(api, display_name="Bob", primary_email="bob@work.org")
    await identity(api, ann, inst, "ann-1", last_seen_at=BASE)
    await identity(api, ann, inst, "ann-2", last_seen_at=BASE + timedelta(hours=1), channel="telegram")

    listed = await walk(api, "/api/v2/persons", limit=1)
    assert {p["id"] for p in listed} == {str(ann), str(bob)} and len(listed) == 2

    async def found(term: str) -> set[str]:
        return {p["id"] for p in (await api.get(f"/api/v2/persons?search={term}")).json["items"]}

    assert await found("lee") == {str(ann)}
    assert await found("5550") == {str(ann)}
    assert await found("WORK.ORG") == {str(bob)}
    assert await found("o") == {str(ann), str(bob)}

    got = (await api.get(f"/api/v2/persons/{ann}")).json["data"]
    assert got["displayName"] == "Ann Lee" and got["primaryPhone"] == "+15550001"
    assert {i["platformUserId"] for i in got["identities"]} == {"ann-1", "ann-2"}
    assert (await api.get(f"/api/v2/persons/{uuid.uuid4()}")).status == 404

    r = await api.patch(f"/api/v2/persons/{bob}", json={"displayName": "Robert", "metadata": {"vip": True}})
    assert r.status == 200 and r.json["data"]["displayName"] == "Robert" and r.json["data"]["metadata"] == {"vip": True}
    r = await api.patch(f"/api/v2/persons/{bob}", json={"primaryPhone": "+15550001"})
    assert r.status == 409 and "primaryPhone" in r.json["error"]["details"]["fields"]

    presence = (await api.get(f"/api/v2/persons/{ann}/presence")).json["data"]
    assert presence["lastSeenAt"].startswith("2026-03-01T01:00") and presence["lastSeenChannel"] == "telegram"
    assert len(presence["identities"]) == 2
    empty = (await api.get(f"/api/v2/persons/{bob}/presence")).json["data"]
    assert empty["lastSeenAt"] is None and empty["identities"] == []


async def test_timeline_merges_messages_and_events(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    pat = await person(api, display_name="Pat")
    chat = await make_chat(api, inst, "c")
    expected = []
    for i in range(4):
        at = BASE + timedelta(minutes=2 * i)
        r = await api.post("/api/v2/messages", json={"chatId": chat["id"], "externalId": f"m{i}",
                                                     "senderPersonId": str(pat), "textContent": f"msg {i}",
                                                     "platformTimestamp": at.isoformat()})  # fmt: skip
        expected.append(("message", r.json["data"]["id"], at))
        row = await seed.insert(api.db_url, OmniEvent, event_type="message.received", person_id=pat,
                                instance_id=inst, created_at=at + timedelta(minutes=1), text_content=f"ev {i}")  # fmt: skip
        expected.append(("event", str(row["id"]), at + timedelta(minutes=1)))
    await seed.insert(api.db_url, OmniEvent, event_type="message.received", instance_id=inst)  # someone else's
    items = await walk(api, f"/api/v2/persons/{pat}/timeline", limit=3)
    assert [(i["kind"], i["id"]) for i in items] == [(k, i) for k, i, _ in sorted(expected, key=lambda e: e[2],
                                                                                   reverse=True)]  # fmt: skip
    assert items[0]["type"] == "message.received" and items[1]["type"] == "text" and items[1]["textContent"] == "msg 3"
    total = (await api.get(f"/api/v2/persons/{pat}/timeline?includeTotal=true")).json["meta"]["total"]
    assert total == 8


async def test_link_unlink_merge(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    a, b = await person(api, display_name="A"), await person(api, primary_phone="+1999", display_name=None)
    ia, ib = await identity(api, a, inst, "ua"), await identity(api, b, inst, "ub", platform_username="bee")
    chat = await make_chat(api, inst, "c")
    r = await api.post("/api/v2/messages", json={"chatId": chat["id"], "externalId": "m1", "senderPersonId": str(b)})
    msg_id = r.json["data"]["id"]
    await seed.execute(api.db_url, "update messages set sender_platform_identity_id = $1 where id = $2", ib,
                       uuid.UUID(msg_id))  # fmt: skip
    ev = (await seed.insert(api.db_url, OmniEvent, event_type="x.y", person_id=b, platform_identity_id=ib))["id"]

    linked = await api.post("/api/v2/persons/link", json={"identityA": str(ia), "identityB": str(ib), "reason": "same"})
    assert linked.status == 200, linked.json
    data = linked.json["data"]
    assert data["id"] == str(a) and {i["id"] for i in data["identities"]} == {str(ia), str(ib)}
    assert (await api.get(f"/api/v2/persons/{b}")).status == 404  # left with no identity: merged away
    assert (await api.get(f"/api/v2/messages/{msg_id}")).json["data"]["senderPersonId"] == str(a)
    assert (await api.get(f"/api/v2/events/{ev}")).json["data"]["personId"] == str(a)
    again = await api.post("/api/v2/persons/link", json={"identityA": str(ia), "identityB": str(ib)})
    assert again.status == 200 and again.json["data"]["id"] == str(a)
    r = await api.post("/api/v2/persons/link", json={"identityA": str(ia), "identityB": str(uuid.uuid4())})
    assert r.status == 404

    unlinked = await api.post("/api/v2/persons/unlink", json={"identityId": str(ib), "reason": "wrong"})
    assert unlinked.status == 200, unlinked.json
    new = unlinked.json["data"]
    assert new["id"] not in (str(a), str(b)) and new["displayName"] == "bee"
    assert [i["id"] for i in new["identities"]] == [str(ib)] and new["identities"][0]["linkReason"] == "wrong"
    assert (await api.get(f"/api/v2/messages/{msg_id}")).json["data"]["senderPersonId"] == new["id"]
    assert (await api.get(f"/api/v2/events/{ev}")).json["data"]["personId"] == new["id"]
    r = await api.post("/api/v2/persons/unlink", json={"identityId": str(ib)})
    assert r.status == 400  # the only identity

    await api.patch(f"/api/v2/persons/{new['id']}", json={"primaryPhone": "+1777"})
    merged = await api.post("/api/v2/persons/merge", json={"sourcePersonId": new["id"], "targetPersonId": str(a),
                                                           "reason": "dupe"})  # fmt: skip
    assert merged.status == 200, merged.json
    data = merged.json["data"]
    assert data["id"] == str(a) and data["primaryPhone"] == "+1777" and data["displayName"] == "A"
    assert {i["id"] for i in data["identities"]} == {str(ia), str(ib)}
    assert (await api.get(f"/api/v2/persons/{new['id']}")).status == 404
    assert (await api.get(f"/api/v2/messages/{msg_id}")).json["data"]["senderPersonId"] == str(a)
    assert (await api.get(f"/api/v2/events/{ev}")).json["data"]["personId"] == str(a)
    r = await api.post("/api/v2/persons/merge", json={"sourcePersonId": str(a), "targetPersonId": str(a)})
    assert r.status == 400
    r = await api.post("/api/v2/persons/merge", json={"sourcePersonId": str(uuid.uuid4()), "targetPersonId": str(a)})
    assert r.status == 404


async def test_instance_restriction(api: Api) -> None:
    a, b = await seed.instance(api.db_url), await seed.instance(api.db_url)
    both = await person(api, display_name="Both")
    only_b = await person(api, display_name="Only B")
    await identity(api, both, a, "both-a")
    ib = await identity(api, both, b, "both-b")
    iob = await identity(api, only_b, b, "ob")
    key = await api.new_key(scopes=["persons:*"], instanceIds=[str(a)])
    listed = (await api.get("/api/v2/persons", key=key)).json["items"]
    assert [p["id"] for p in listed] == [str(both)]
    got = (await api.get(f"/api/v2/persons/{both}", key=key)).json["data"]
    assert [i["platformUserId"] for i in got["identities"]] == ["both-a"]  # only its instances' identities
    for path in ("", "/presence", "/timeline"):
        assert (await api.get(f"/api/v2/persons/{only_b}{path}", key=key)).status == 403, path
    assert (await api.patch(f"/api/v2/persons/{only_b}", key=key, json={"displayName": "x"})).status == 403
    r = await api.post("/api/v2/persons/unlink", key=key, json={"identityId": str(iob)})
    assert r.status == 403
    r = await api.post("/api/v2/persons/link", key=key, json={"identityA": str(ib), "identityB": str(iob)})
    assert r.status == 403
    r = await api.post("/api/v2/persons/merge", key=key, json={"sourcePersonId": str(both),
                                                               "targetPersonId": str(only_b)})  # fmt: skip
    assert r.status == 403
