"""Routes of `/persons` (see the reference §1): the identity graph — persons, their platform identities, presence,
timeline, and link / unlink / merge.

A key restricted to some instances sees a person only through the person's identities on those instances (and only
those identities); link, unlink and merge need every identity they move to be on the key's instances."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sanic import Blueprint, Request
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from omni.api.auth import check_instance, instance_filter
from omni.api.common import conflict, is_unique_violation
from omni.api.errors import FORBIDDEN, NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel, Data, Out, Page
from omni.api.pagination import ListQuery, decode_cursor, encode_cursor, paginate
from omni.api.querying import search
from omni.api.routing import endpoint
from omni.db.models import ChatParticipant, Message, OmniEvent, Person, PlatformIdentity

bp = Blueprint("persons", url_prefix="/persons")


# -- models --------------------------------------------------------------------------------------------------------


class PersonListQuery(ListQuery):
    search: str | None = Field(None, max_length=255)


class PersonUpdate(ApiModel):
    display_name: str | None = Field(None, max_length=255)
    primary_phone: str | None = Field(None, max_length=50)
    primary_email: str | None = Field(None, max_length=255)
    avatar_url: str | None = Field(None, max_length=4000)
    metadata: dict[str, Any] | None = None


class LinkBody(ApiModel):
    identity_a: uuid.UUID
    identity_b: uuid.UUID
    reason: str | None = Field(None, max_length=2000)


class UnlinkBody(ApiModel):
    identity_id: uuid.UUID
    reason: str | None = Field(None, max_length=2000)


class MergeBody(ApiModel):
    source_person_id: uuid.UUID
    target_person_id: uuid.UUID
    reason: str | None = Field(None, max_length=2000)


class IdentityOut(Out):
    id: uuid.UUID
    person_id: uuid.UUID
    channel: str
    instance_id: uuid.UUID
    platform_user_id: str
    platform_username: str | None
    profile_pic_url: str | None
    profile_data: dict[str, Any] | None
    message_count: int
    first_seen_at: datetime
    last_seen_at: datetime | None
    linked_by: str | None
    confidence: int
    link_reason: str | None
    created_at: datetime
    updated_at: datetime


class PersonOut(Out):
    id: uuid.UUID
    display_name: str | None
    primary_phone: str | None
    primary_email: str | None
    avatar_url: str | None
    metadata: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class PersonDetailOut(PersonOut):
    identities: list[IdentityOut]


class IdentityPresence(Out):
    identity_id: uuid.UUID
    channel: str
    instance_id: uuid.UUID
    platform_user_id: str
    last_seen_at: datetime | None


class PresenceOut(Out):
    person_id: uuid.UUID
    last_seen_at: datetime | None
    last_seen_channel: str | None
    last_seen_instance_id: uuid.UUID | None
    identities: list[IdentityPresence]


class TimelineItem(Out):
    kind: Literal["message", "event"]
    id: uuid.UUID
    timestamp: datetime
    instance_id: uuid.UUID | None
    channel: str | None
    chat_id: str | None
    type: str  # the message type, or the event type
    text_content: str | None
    direction: str | None
    is_from_me: bool | None


# -- helpers -------------------------------------------------------------------------------------------------------


def render(row: Person) -> dict[str, Any]:
    return PersonOut.model_validate(row).dump()


def render_identity(row: PlatformIdentity) -> dict[str, Any]:
    return IdentityOut.model_validate(row).dump()


async def _identities(request: Request, person_id: uuid.UUID) -> list[PlatformIdentity]:
    qs = PlatformIdentity.filter(person_id=person_id)
    allowed = instance_filter(request)
    if allowed is not None:
        qs = qs.filter(instance_id__in=allowed)
    return await qs.order_by("created_at", "id")


async def _detail(request: Request, person: Person) -> dict[str, Any]:
    identities = [render_identity(i) for i in await _identities(request, person.id)]
    return {**render(person), "identities": identities}


async def get_person(request: Request, person_id: uuid.UUID) -> Person:
    """The person, or 404; 403 when a restricted key has none of their identities on its instances."""
    row = await Person.filter(id=person_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no person {person_id}")
    allowed = instance_filter(request)
    if allowed is not None and not await PlatformIdentity.filter(person_id=person_id, instance_id__in=allowed).exists():
        raise ApiError(403, FORBIDDEN, f"this key cannot access person {person_id}", {"personId": str(person_id)})
    return row


async def _get_identity(request: Request, identity_id: uuid.UUID, field: str) -> PlatformIdentity:
    row = await PlatformIdentity.filter(id=identity_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no identity {identity_id}", {"fields": {field: ["not found"]}})
    check_instance(request, row.instance_id)
    return row


async def _check_all_identities(request: Request, person_id: uuid.UUID) -> None:
    """A restricted key may move a person's identities only when it can access every one of them."""
    allowed = instance_filter(request)
    if allowed is not None:
        other = await PlatformIdentity.filter(person_id=person_id).exclude(instance_id__in=allowed).first()
        if other is not None:
            check_instance(request, other.instance_id)


async def _move_person(conn: Any, source_id: uuid.UUID, target_id: uuid.UUID) -> None:
    """Everything that points at `source_id` now points at `target_id`; the source person is deleted."""
    await PlatformIdentity.filter(person_id=source_id).using_db(conn).update(person_id=target_id)
    await Message.filter(sender_person_id=source_id).using_db(conn).update(sender_person_id=target_id)
    await OmniEvent.filter(person_id=source_id).using_db(conn).update(person_id=target_id)
    await ChatParticipant.filter(person_id=source_id).using_db(conn).update(person_id=target_id)
    await Person.filter(id=source_id).using_db(conn).delete()


# -- routes --------------------------------------------------------------------------------------------------------


@endpoint(bp, "GET", "", scope="persons:read", summary="List persons", query=PersonListQuery, response=Page[PersonOut])
async def list_persons(request: Request, query: PersonListQuery) -> dict[str, Any]:
    """`search` matches the display name, phone or email (substring, any case)."""
    qs = Person.all()
    allowed = instance_filter(request)
    if allowed is not None:
        visible = PlatformIdentity.filter(instance_id__in=allowed).values("person_id")
        qs = qs.filter(id__in=Subquery(visible))
    qs = search(qs, ["display_name", "primary_phone", "primary_email"], query.search)
    return await paginate(qs, query, render)


@endpoint(bp, "GET", "/<person_id:uuid>", scope="persons:read", summary="Get a person with their identities",
          response=Data[PersonDetailOut])  # fmt: skip
async def get_person_route(request: Request, person_id: uuid.UUID) -> dict[str, Any]:
    return {"data": await _detail(request, await get_person(request, person_id))}


@endpoint(bp, "PATCH", "/<person_id:uuid>", scope="persons:write", summary="Update a person", body=PersonUpdate,
          response=Data[PersonDetailOut])  # fmt: skip
async def update_person(request: Request, person_id: uuid.UUID, body: PersonUpdate) -> dict[str, Any]:
    row = await get_person(request, person_id)
    changes = body.model_dump(exclude_unset=True)
    phone = changes.get("primary_phone")
    clash = conflict("primaryPhone", f"another person has the phone {phone!r}")
    if phone and await Person.filter(primary_phone=phone).exclude(id=row.id).exists():
        raise clash
    if changes:
        try:
            await row.update_from_dict(changes).save()
        except IntegrityError as exc:
            if is_unique_violation(exc):
                raise clash from None
            raise
    return {"data": await _detail(request, row)}


@endpoint(bp, "GET", "/<person_id:uuid>/presence", scope="persons:read", summary="When a person was last seen",
          response=Data[PresenceOut])  # fmt: skip
async def person_presence(request: Request, person_id: uuid.UUID) -> dict[str, Any]:
    await get_person(request, person_id)
    identities = await _identities(request, person_id)
    seen = [i for i in identities if i.last_seen_at is not None]
    last = max(seen, key=lambda i: i.last_seen_at) if seen else None  # type: ignore[arg-type,return-value]
    return {"data": PresenceOut(
        person_id=person_id, last_seen_at=last.last_seen_at if last else None,
        last_seen_channel=last.channel if last else None, last_seen_instance_id=last.instance_id if last else None,
        identities=[IdentityPresence(identity_id=i.id, channel=i.channel, instance_id=i.instance_id,
                                     platform_user_id=i.platform_user_id, last_seen_at=i.last_seen_at)
                    for i in identities],
    ).dump()}  # fmt: skip


@endpoint(bp, "GET", "/<person_id:uuid>/timeline", scope="persons:read",
          summary="A person's messages and events, newest first", query=ListQuery, response=Page[TimelineItem])  # fmt: skip
async def person_timeline(request: Request, person_id: uuid.UUID, query: ListQuery) -> dict[str, Any]:
    """Messages they sent (by `platformTimestamp`) and events about them (by `createdAt`), merged newest first; one
    cursor walks both."""
    await get_person(request, person_id)
    allowed = instance_filter(request)
    messages = Message.filter(sender_person_id=person_id)
    events = OmniEvent.filter(person_id=person_id)
    if allowed is not None:
        messages = messages.filter(instance_id__in=allowed)
        events = events.filter(instance_id__in=allowed)
    total = (await messages.count() + await events.count()) if query.include_total else None
    if query.cursor:
        at, row_id = decode_cursor(query.cursor)
        messages = messages.filter(Q(platform_timestamp__lt=at) | Q(platform_timestamp=at, id__lt=row_id))
        events = events.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=row_id))
    items: list[tuple[datetime, uuid.UUID, dict[str, Any]]] = []
    for m in await messages.order_by("-platform_timestamp", "-id").limit(query.limit + 1).prefetch_related("chat"):
        items.append((m.platform_timestamp, m.id, {
            "kind": "message", "id": m.id, "timestamp": m.platform_timestamp, "instance_id": m.instance_id,
            "channel": m.chat.channel, "chat_id": m.chat.external_id, "type": m.message_type,
            "text_content": m.text_content, "direction": "outbound" if m.is_from_me else "inbound",
            "is_from_me": m.is_from_me}))  # fmt: skip
    for e in await events.order_by("-created_at", "-id").limit(query.limit + 1):
        items.append((e.created_at, e.id, {
            "kind": "event", "id": e.id, "timestamp": e.created_at, "instance_id": e.instance_id,
            "channel": e.channel, "chat_id": e.chat_id, "type": e.event_type, "text_content": e.text_content,
            "direction": e.direction, "is_from_me": None}))  # fmt: skip
    items.sort(key=lambda item: (item[0], item[1]), reverse=True)
    more = len(items) > query.limit
    items = items[: query.limit]
    meta: dict[str, Any] = {"hasMore": more, "cursor": encode_cursor(items[-1][0], items[-1][1]) if more else None}
    if total is not None:
        meta["total"] = total
    return {"items": [TimelineItem.model_validate(i[2]).dump() for i in items], "meta": meta}


@endpoint(bp, "POST", "/link", scope="persons:write", summary="Link two identities to one person", body=LinkBody,
          response=Data[PersonDetailOut])  # fmt: skip
async def link_identities(request: Request, body: LinkBody) -> dict[str, Any]:
    """Identity B joins identity A's person. When B's person is left without identities, it is merged into A's (its
    messages and events follow) and deleted."""
    a = await _get_identity(request, body.identity_a, "identityA")
    b = await _get_identity(request, body.identity_b, "identityB")
    if a.person_id != b.person_id:
        async with in_transaction() as conn:
            await (
                PlatformIdentity.filter(id=b.id)
                .using_db(conn)
                .update(person_id=a.person_id, linked_by="manual", confidence=100, link_reason=body.reason)
            )
            await Message.filter(sender_platform_identity_id=b.id).using_db(conn).update(sender_person_id=a.person_id)
            await OmniEvent.filter(platform_identity_id=b.id).using_db(conn).update(person_id=a.person_id)
            await ChatParticipant.filter(platform_identity_id=b.id).using_db(conn).update(person_id=a.person_id)
            if not await PlatformIdentity.filter(person_id=b.person_id).using_db(conn).exists():
                await _move_person(conn, b.person_id, a.person_id)
    return {"data": await _detail(request, await Person.get(id=a.person_id))}  # fmt: skip


@endpoint(bp, "POST", "/unlink", scope="persons:write", summary="Move an identity to a new person", body=UnlinkBody,
          response=Data[PersonDetailOut])  # fmt: skip
async def unlink_identity(request: Request, body: UnlinkBody) -> dict[str, Any]:
    """The identity (with its messages and events) moves to a new person, which is returned."""
    identity = await _get_identity(request, body.identity_id, "identityId")
    if await PlatformIdentity.filter(person_id=identity.person_id).count() < 2:
        raise ApiError(400, VALIDATION_ERROR, "this is the person's only identity: there is nothing to unlink it from",
                       {"fields": {"identityId": ["the person's only identity"]}})  # fmt: skip
    async with in_transaction() as conn:
        person = await Person.create(display_name=identity.platform_username or identity.platform_user_id,
                                     avatar_url=identity.profile_pic_url, using_db=conn)  # fmt: skip
        await (
            PlatformIdentity.filter(id=identity.id)
            .using_db(conn)
            .update(person_id=person.id, linked_by="manual", link_reason=body.reason)
        )
        await Message.filter(sender_platform_identity_id=identity.id).using_db(conn).update(sender_person_id=person.id)
        await OmniEvent.filter(platform_identity_id=identity.id).using_db(conn).update(person_id=person.id)
        await ChatParticipant.filter(platform_identity_id=identity.id).using_db(conn).update(person_id=person.id)
    return {"data": await _detail(request, person)}


@endpoint(bp, "POST", "/merge", scope="persons:write", summary="Merge one person into another", body=MergeBody,
          response=Data[PersonDetailOut])  # fmt: skip
async def merge_persons(request: Request, body: MergeBody) -> dict[str, Any]:
    """The source's identities, sent messages, events and chat participations move to the target, which keeps its
    own fields and takes the source's where it has none; the source is deleted. All or nothing."""
    if body.source_person_id == body.target_person_id:
        raise ApiError(400, VALIDATION_ERROR, "a person cannot be merged into itself",
                       {"fields": {"targetPersonId": ["same as sourcePersonId"]}})  # fmt: skip
    source = await get_person(request, body.source_person_id)
    target = await get_person(request, body.target_person_id)
    await _check_all_identities(request, source.id)
    async with in_transaction() as conn:
        source = await Person.filter(id=source.id).select_for_update().using_db(conn).get()
        target = await Person.filter(id=target.id).select_for_update().using_db(conn).get()
        fill = {f: getattr(source, f) for f in ("display_name", "primary_phone", "primary_email", "avatar_url")
                if getattr(target, f) is None and getattr(source, f) is not None}  # fmt: skip
        if body.reason:
            await PlatformIdentity.filter(person_id=source.id).using_db(conn).update(link_reason=body.reason)
        await _move_person(conn, source.id, target.id)  # the source is gone: its phone is free for the target
        metadata = {**(source.metadata or {}), **(target.metadata or {})} if source.metadata else target.metadata
        if fill or metadata != target.metadata:
            await target.update_from_dict({**fill, "metadata": metadata}).save(using_db=conn)
    return {"data": await _detail(request, target)}
