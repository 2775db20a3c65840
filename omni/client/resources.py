"""Every route of `/api/v2`, one class per resource. Keyword arguments are the API's fields in snake_case (camelCase
works too); `None` means "leave out". Lists return a `Page`; `iterate(...)` walks every page.

The same classes serve `Client` (results) and `AsyncClient` (awaitables of the same results)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from omni.client import models as m
from omni.client.http import Call, Page, camel, fields_body, upload

if TYPE_CHECKING:
    from omni.client.http import AsyncClient, Client

Id = str | uuid.UUID


def _id(value: Id) -> str:
    text = str(value).strip()
    if not text or "/" in text:
        from omni.client.errors import ValidationFailed

        raise ValidationFailed(f"not an id: {value!r}", code="VALIDATION_ERROR", details={"fields": {"id": ["bad"]}})
    return text


class Resource:
    path = ""
    model: Any = None

    def __init__(self, client: Client | AsyncClient) -> None:
        self._c = client

    def _run(self, method: str, path: str, **kw: Any) -> Any:
        kw.setdefault("model", self.model)
        return self._c.run(Call(method, path, **kw))

    def _list(self, path: str | None = None, model: Any = None, **filters: Any) -> Any:
        return self._run("GET", path or self.path, params=camel(filters), page=True, model=model or self.model)

    def _iterate(self, path: str | None = None, model: Any = None, **filters: Any) -> Any:
        return self._c.pages(Call("GET", path or self.path, params=camel(filters), model=model or self.model))

    def _at(self, item_id: Id, *rest: str) -> str:
        return "/".join([self.path, _id(item_id), *rest])


class Crud(Resource):
    """list / iterate / get / create / update / delete for a collection at `path`."""

    def list(self, **filters: Any) -> Page[Any]:
        return self._list(**filters)

    def iterate(self, **filters: Any) -> Any:
        """Every item over all pages (a generator; an async generator on `AsyncClient`)."""
        return self._iterate(**filters)

    def get(self, item_id: Id) -> Any:
        return self._run("GET", self._at(item_id))

    def create(self, **fields: Any) -> Any:
        return self._run("POST", self.path, body=fields_body(fields))

    def update(self, item_id: Id, **fields: Any) -> Any:
        return self._run("PATCH", self._at(item_id), body=fields_body(fields))

    def delete(self, item_id: Id, **params: Any) -> Any:
        return self._run("DELETE", self._at(item_id), params=camel(params) or None, model=None)


class System(Resource):
    def health(self) -> m.Health:
        return self._run("GET", "/health", model=m.Health, raw=True, transform=m.Health.model_validate)

    def info(self) -> m.Info:
        return self._run("GET", "/info", raw=True, transform=m.Info.model_validate)

    def validate_key(self) -> m.Validation:
        """Who the key in use is: its name, scopes and instances."""
        return self._run("POST", "/auth/validate", model=m.Validation)

    def metrics(self) -> dict[str, Any]:
        return self._run("GET", "/metrics", raw=True, headers={"accept": "application/json"})

    def openapi(self) -> dict[str, Any]:
        return self._run("GET", "/openapi.json", raw=True)

    def plugins(self) -> m.PluginList:
        return self._run("GET", "/plugins", model=m.PluginList, raw=True, transform=m.PluginList.model_validate)


class Instances(Crud):
    path, model = "/instances", m.InstanceOut

    def supported_channels(self) -> m.ChannelList:
        return self._run("GET", "/instances/supported-channels", raw=True, transform=m.ChannelList.model_validate)

    def status(self, instance_id: Id) -> m.StatusOut:
        return self._run("GET", self._at(instance_id, "status"), model=m.StatusOut)

    def qr(self, instance_id: Id) -> m.QrOut:
        return self._run("GET", self._at(instance_id, "qr"), model=m.QrOut)

    def pair(self, instance_id: Id, phone_number: str) -> m.PairOut:
        return self._run("POST", self._at(instance_id, "pair"), body={"phoneNumber": phone_number}, model=m.PairOut)

    def connect(self, instance_id: Id, **fields: Any) -> m.StatusOut:
        """`token=` for token channels, `force_new_qr=True` to start pairing over."""
        return self._run("POST", self._at(instance_id, "connect"), body=camel(fields), model=m.StatusOut)

    def disconnect(self, instance_id: Id) -> m.StatusOut:
        return self._run("POST", self._at(instance_id, "disconnect"), model=m.StatusOut)

    def restart(self, instance_id: Id) -> m.StatusOut:
        return self._run("POST", self._at(instance_id, "restart"), model=m.StatusOut)

    def logout(self, instance_id: Id) -> m.StatusOut:
        return self._run("POST", self._at(instance_id, "logout"), model=m.StatusOut)

    def contacts(self, instance_id: Id, **filters: Any) -> Page[m.DirectoryEntry]:
        """The people the account can reach, asked of the platform now (`parent=` a guild / workspace, `search=`)."""
        return self._list(self._at(instance_id, "contacts"), model=m.DirectoryEntry, **filters)

    def groups(self, instance_id: Id, **filters: Any) -> Page[m.DirectoryEntry]:
        """The groups (guilds, channels, threads …) the account is in, asked of the platform now."""
        return self._list(self._at(instance_id, "groups"), model=m.DirectoryEntry, **filters)

    # -- the account and its groups on the platform -------------------------------------------------------------

    def check_numbers(self, instance_id: Id, phones: list[str]) -> list[m.NumberOut]:
        """Which of these phone numbers (≤ 100) have an account on the platform."""
        return self._run("POST", self._at(instance_id, "check-number"), body={"phones": phones}, model=m.NumberOut,
                         idempotent=True)  # fmt: skip

    def profile(self, instance_id: Id, user_id: str | None = None) -> m.ProfileOut:
        """The account's own profile, or `user_id`'s, live from the platform."""
        path = self._at(instance_id, "users", quote(user_id, safe=""), "profile") if user_id else self._at(
            instance_id, "profile")  # fmt: skip
        return self._run("GET", path, model=m.ProfileOut)

    def set_profile_name(self, instance_id: Id, name: str) -> m.ProfileOut:
        return self._run("PUT", self._at(instance_id, "profile", "name"), body={"name": name}, model=m.ProfileOut)

    def set_profile_status(self, instance_id: Id, status: str) -> m.ProfileOut:
        """The status (about / bio) text."""
        return self._run("PUT", self._at(instance_id, "profile", "status"), body={"status": status},
                         model=m.ProfileOut)  # fmt: skip

    def set_profile_picture(
        self, instance_id: Id, *, base64: str | None = None, url: str | None = None
    ) -> m.PictureOut:
        return self._run("PUT", self._at(instance_id, "profile", "picture"), body=camel({"base64": base64, "url": url}),
                         model=m.PictureOut)  # fmt: skip

    def remove_profile_picture(self, instance_id: Id) -> m.PictureOut:
        return self._run("DELETE", self._at(instance_id, "profile", "picture"), model=m.PictureOut)

    def block(self, instance_id: Id, user: str, *, blocked: bool = True) -> m.BlockOut:
        """Block (or with `blocked=False` unblock) a user id, or a phone number (starting with +)."""
        body = {"phone": user} if user.startswith("+") else {"userId": user}
        return self._run("POST" if blocked else "DELETE", self._at(instance_id, "block"), body=body, model=m.BlockOut,
                         idempotent=True)  # fmt: skip

    def blocklist(self, instance_id: Id) -> list[str]:
        return self._run("GET", self._at(instance_id, "blocklist"), raw=True, transform=lambda b: b["items"])

    def privacy(self, instance_id: Id) -> dict[str, Any]:
        return self._run("GET", self._at(instance_id, "privacy"), model=None)

    def reject_call(self, instance_id: Id, call_id: str, call_from: str) -> Any:
        return self._run("POST", self._at(instance_id, "calls", "reject"),
                         body={"callId": call_id, "callFrom": call_from}, model=None)  # fmt: skip

    def create_group(self, instance_id: Id, subject: str, participants: list[str] | None = None) -> m.GroupOut:
        return self._run("POST", self._at(instance_id, "groups"),
                         body={"subject": subject, "participants": participants or []}, model=m.GroupOut)  # fmt: skip

    def group_invite(self, instance_id: Id, group_id: str, *, revoke: bool = False) -> m.InviteOut:
        """The group's invite link; `revoke=True` replaces it (the old one stops working)."""
        group = quote(group_id, safe="")
        if revoke:
            return self._run("POST", self._at(instance_id, "groups", group, "invite", "revoke"), model=m.InviteOut)
        return self._run("GET", self._at(instance_id, "groups", group, "invite"), model=m.InviteOut)

    def join_group(self, instance_id: Id, code: str) -> m.GroupOut:
        """Join by invite code or link."""
        return self._run("POST", self._at(instance_id, "groups", "join"), body={"code": code}, model=m.GroupOut)

    def set_group_picture(self, instance_id: Id, group_id: str, *, base64: str | None = None,
                          url: str | None = None) -> m.PictureOut:  # fmt: skip
        return self._run("PUT", self._at(instance_id, "groups", quote(group_id, safe=""), "picture"),
                         body=camel({"base64": base64, "url": url}), model=m.PictureOut)  # fmt: skip

    def group_participants(self, instance_id: Id, group_id: str, action: str,
                           participants: list[str]) -> list[m.ParticipantResult]:  # fmt: skip
        """`action`: add, remove, promote or demote."""
        return self._run("POST", self._at(instance_id, "groups", quote(group_id, safe=""), "participants"),
                         body={"action": action, "participants": participants}, model=m.ParticipantResult)  # fmt: skip

    # -- sync jobs ------------------------------------------------------------------------------------------------

    def sync(self, instance_id: Id, **fields: Any) -> m.SyncJobOut:
        """Start a sync job: `type` (profile, contacts, groups, messages, all), `depth` (7d, 30d, 90d, 1y, all),
        `channel_id`, `download_media`, `wait` (seconds to wait for it to end)."""
        return self._run("POST", self._at(instance_id, "sync"), body=camel(fields), model=m.SyncJobOut)

    def syncs(self, instance_id: Id, **filters: Any) -> Page[m.SyncJobOut]:
        return self._list(self._at(instance_id, "sync"), model=m.SyncJobOut, **filters)

    def cancel_sync(self, instance_id: Id, job_id: Id) -> m.SyncJobOut:
        return self._run("POST", self._at(instance_id, "sync", _id(job_id), "cancel"), model=m.SyncJobOut)

    def sync_job(self, instance_id: Id, job_id: Id) -> m.SyncJobOut:
        return self._run("GET", self._at(instance_id, "sync", _id(job_id)), model=m.SyncJobOut)

    def access_requests(self, instance_id: Id, **filters: Any) -> Page[m.AccessRequestOut]:
        return self._list(self._at(instance_id, "access", "requests"), model=m.AccessRequestOut, **filters)

    def approve_request(self, instance_id: Id, request_id_or_code: str, **fields: Any) -> m.AccessRequestOut:
        return self._run("POST", self._at(instance_id, "access", "requests", _id(request_id_or_code), "approve"),
                         body=camel(fields) or None, model=m.AccessRequestOut)  # fmt: skip

    def deny_request(self, instance_id: Id, request_id_or_code: str, **fields: Any) -> m.AccessRequestOut:
        return self._run("POST", self._at(instance_id, "access", "requests", _id(request_id_or_code), "deny"),
                         body=camel(fields) or None, model=m.AccessRequestOut)  # fmt: skip

    def loopback_inbound(self, instance_id: Id, messages: list[dict[str, Any]]) -> Any:
        """Loopback instances: deliver messages as if a platform had (tests, demos)."""
        return self._run("POST", self._at(instance_id, "loopback", "inbound"), body={"messages": messages},
                         model=None)  # fmt: skip

    def loopback_outbox(self, instance_id: Id, **params: Any) -> Any:
        """Loopback instances: what was sent, oldest first."""
        return self._run("GET", self._at(instance_id, "loopback", "outbox"), params=camel(params), model=None)


class Routes(Resource):
    """An instance's agent routes (chat or person overrides of its agent binding)."""

    model = m.RouteOut

    def _base(self, instance_id: Id) -> str:
        return f"/instances/{_id(instance_id)}/routes"

    def list(self, instance_id: Id, **filters: Any) -> Page[m.RouteOut]:
        return self._list(self._base(instance_id), **filters)

    def get(self, instance_id: Id, route_id: Id) -> m.RouteOut:
        return self._run("GET", f"{self._base(instance_id)}/{_id(route_id)}")

    def create(self, instance_id: Id, **fields: Any) -> m.RouteOut:
        return self._run("POST", self._base(instance_id), body=fields_body(fields))

    def update(self, instance_id: Id, route_id: Id, **fields: Any) -> m.RouteOut:
        return self._run("PATCH", f"{self._base(instance_id)}/{_id(route_id)}", body=fields_body(fields))

    def delete(self, instance_id: Id, route_id: Id) -> Any:
        return self._run("DELETE", f"{self._base(instance_id)}/{_id(route_id)}", model=None)

    def iterate(self, instance_id: Id, **filters: Any) -> Any:
        return self._iterate(self._base(instance_id), **filters)

    def metrics(self, **filters: Any) -> list[m.RouteMetrics]:
        """Per instance over the last `hours` (24 by default); `instance_id=` for one instance."""
        return self._run("GET", "/routes/metrics", params=camel(filters) or None, model=m.RouteMetrics)


class Chats(Crud):
    path, model = "/chats", m.ChatOut

    def by_external(self, instance_id: Id, external_id: str) -> m.ChatOut:
        return self._run("GET", "/chats/by-external", params=camel({"instance_id": instance_id,
                                                                    "external_id": external_id}))  # fmt: skip

    def messages(self, chat_id: Id, **filters: Any) -> Page[m.MessageOut]:
        return self._list(self._at(chat_id, "messages"), model=m.MessageOut, **filters)

    def iterate_messages(self, chat_id: Id, **filters: Any) -> Any:
        return self._iterate(self._at(chat_id, "messages"), model=m.MessageOut, **filters)

    def participants(self, chat_id: Id, **filters: Any) -> Page[m.ParticipantOut]:
        return self._list(self._at(chat_id, "participants"), model=m.ParticipantOut, **filters)

    def _action(self, chat_id: Id, action: str, **fields: Any) -> m.ChatOut:
        return self._run("POST", self._at(chat_id, *action.split("/")), body=camel(fields) or None)

    def archive(self, chat_id: Id) -> m.ChatOut:
        return self._action(chat_id, "archive")

    def unarchive(self, chat_id: Id) -> m.ChatOut:
        return self._action(chat_id, "unarchive")

    def pin(self, chat_id: Id) -> m.ChatOut:
        return self._action(chat_id, "pin")

    def unpin(self, chat_id: Id) -> m.ChatOut:
        return self._action(chat_id, "unpin")

    def mute(self, chat_id: Id, **fields: Any) -> m.ChatOut:
        """`duration_ms=` how long (default 8 hours)."""
        return self._action(chat_id, "mute", **fields)

    def unmute(self, chat_id: Id) -> m.ChatOut:
        return self._action(chat_id, "unmute")

    def read(self, chat_id: Id) -> m.ChatOut:
        return self._action(chat_id, "read")

    def pause_agent(self, chat_id: Id, **fields: Any) -> m.ChatOut:
        return self._action(chat_id, "agent/pause", **fields)

    def resume_agent(self, chat_id: Id) -> m.ChatOut:
        return self._action(chat_id, "agent/resume")


class Messages(Crud):
    path, model = "/messages", m.MessageOut

    def by_external(self, chat_id: Id, external_id: str) -> m.MessageOut:
        """The stored message with this platform id in a chat (the chat's UUID)."""
        return self._run("GET", "/messages/by-external", params=camel({"chat_id": chat_id,
                                                                       "external_id": external_id}))  # fmt: skip

    def add_reaction(self, message_id: Id, **fields: Any) -> Any:
        return self._run("POST", self._at(message_id, "reactions"), body=camel(fields), model=None)

    def remove_reaction(self, message_id: Id, **fields: Any) -> Any:
        """`emoji=`, `platform_user_id=` (none: our own reaction); the API reads them from the body."""
        return self._run("DELETE", self._at(message_id, "reactions"), body=camel(fields), model=None)

    # On the platform
    def mark_read(self, message_id: Id) -> Any:
        return self._run("POST", self._at(message_id, "read"), model=None)

    def mark_chat_read(self, **fields: Any) -> Any:
        """`instance_id=`, `chat_id=`, `message_ids=[…]` (up to 100)."""
        return self._run("POST", "/messages/read", body=camel(fields), model=None)

    def star(self, message_id: Id) -> Any:
        return self._run("POST", self._at(message_id, "star"), model=None)

    def unstar(self, message_id: Id) -> Any:
        return self._run("DELETE", self._at(message_id, "star"), model=None)

    def edit(self, **fields: Any) -> Any:
        """Edit a sent message on the platform: `instance_id=`, `message_id=`, `text=` …"""
        return self._run("POST", "/messages/edit-channel", body=camel(fields), model=None)

    def delete_on_channel(self, **fields: Any) -> Any:
        return self._run("POST", "/messages/delete-channel", body=camel(fields), model=None)

    # Sending: every send carries an Idempotency-Key (yours, or a new one), so a retry never sends twice.
    def _send(self, kind: str, fields: dict[str, Any], *, wait: bool = True, idempotency_key: str | None = None,
              files: dict[str, Any] | None = None) -> m.SendOut:  # fmt: skip
        headers = {"Idempotency-Key": idempotency_key or str(uuid.uuid4())}
        params = None if wait else {"async": "true"}
        path = "/messages/send" + (f"/{kind}" if kind else "")
        if files is not None:
            return self._run("POST", path, params=params, files=files, form=camel(fields), headers=headers,
                             model=m.SendOut)  # fmt: skip
        return self._run("POST", path, params=params, body=camel(fields), headers=headers, model=m.SendOut)

    def send(self, *, instance_id: Id, to: str, text: str, wait: bool = True, idempotency_key: str | None = None,
             **fields: Any) -> m.SendOut:  # fmt: skip
        """Send a text. `wait=False` returns at once with status `queued` (202)."""
        return self._send("", {"instance_id": instance_id, "to": to, "text": text, **fields}, wait=wait,
                          idempotency_key=idempotency_key)  # fmt: skip

    def send_media(self, *, instance_id: Id, to: str, file: str | Path | None = None, wait: bool = True,
                   idempotency_key: str | None = None, **fields: Any) -> m.SendOut:  # fmt: skip
        """Send an image, audio, video or document: `file=` a local path (uploaded), or `url=` / `base64=`.
        `type=` image|audio|video|document (guessed from the file when left out), `caption=`, `voice_note=`."""
        fields = {"instance_id": instance_id, "to": to, **fields}
        if file is not None:
            name, data, mime = upload(file)
            fields.setdefault("type", media_type(mime))
            return self._send("upload", fields, wait=wait, idempotency_key=idempotency_key,
                              files={"file": (name, data, mime)})  # fmt: skip
        return self._send("media", fields, wait=wait, idempotency_key=idempotency_key)

    def send_reaction(self, *, instance_id: Id, to: str, message_id: str, emoji: str, **kw: Any) -> m.SendOut:
        return self._kind("reaction", instance_id=instance_id, to=to, message_id=message_id, emoji=emoji, **kw)

    def send_sticker(self, *, instance_id: Id, to: str, **kw: Any) -> m.SendOut:
        return self._kind("sticker", instance_id=instance_id, to=to, **kw)

    def send_contact(self, *, instance_id: Id, to: str, **kw: Any) -> m.SendOut:
        return self._kind("contact", instance_id=instance_id, to=to, **kw)

    def send_location(self, *, instance_id: Id, to: str, latitude: float, longitude: float, **kw: Any) -> m.SendOut:
        """`name=`, `address=` optional (the API's fields are `lat`/`lng`)."""
        return self._kind("location", instance_id=instance_id, to=to, lat=latitude, lng=longitude, **kw)

    def send_poll(self, *, instance_id: Id, to: str, question: str, options: list[str], **kw: Any) -> m.SendOut:
        """`options` are the answers (2 to 10); `multi_select=`, `duration_hours=` optional."""
        return self._kind("poll", instance_id=instance_id, to=to, question=question, answers=options, **kw)

    def send_embed(self, *, instance_id: Id, to: str, **kw: Any) -> m.SendOut:
        return self._kind("embed", instance_id=instance_id, to=to, **kw)

    def send_presence(self, *, instance_id: Id, to: str, type: str, **kw: Any) -> m.SendOut:
        return self._kind("presence", instance_id=instance_id, to=to, type=type, **kw)

    def forward(self, *, instance_id: Id, to: str, message_id: str, **kw: Any) -> m.SendOut:
        return self._kind("forward", instance_id=instance_id, to=to, message_id=message_id, **kw)

    def _kind(self, kind: str, *, wait: bool = True, idempotency_key: str | None = None, **fields: Any) -> m.SendOut:
        return self._send(kind, fields, wait=wait, idempotency_key=idempotency_key)


def media_type(mime: str) -> str:
    head = mime.split("/", 1)[0]
    return head if head in ("image", "audio", "video") else "document"


class Persons(Crud):
    path, model = "/persons", m.PersonOut

    def get(self, person_id: Id) -> m.PersonDetailOut:
        return self._run("GET", self._at(person_id), model=m.PersonDetailOut)

    def update(self, person_id: Id, **fields: Any) -> m.PersonDetailOut:
        return self._run("PATCH", self._at(person_id), body=fields_body(fields), model=m.PersonDetailOut)

    def create(self, **fields: Any) -> Any:
        raise NotImplementedError("persons are created by the channels when someone writes; link or merge them")

    def delete(self, item_id: Id, **params: Any) -> Any:
        raise NotImplementedError("persons are not deleted through the API; merge them instead")

    def presence(self, person_id: Id) -> m.PresenceOut:
        return self._run("GET", self._at(person_id, "presence"), model=m.PresenceOut)

    def timeline(self, person_id: Id, **filters: Any) -> Page[m.TimelineItem]:
        return self._list(self._at(person_id, "timeline"), model=m.TimelineItem, **filters)

    def link(self, **fields: Any) -> m.PersonDetailOut:
        return self._run("POST", "/persons/link", body=camel(fields), model=m.PersonDetailOut)

    def merge(self, **fields: Any) -> m.PersonDetailOut:
        return self._run("POST", "/persons/merge", body=camel(fields), model=m.PersonDetailOut)

    def unlink(self, **fields: Any) -> m.PersonDetailOut:
        return self._run("POST", "/persons/unlink", body=camel(fields), model=m.PersonDetailOut)


class Keys(Crud):
    path, model = "/keys", m.KeyOut

    def create(self, **fields: Any) -> m.CreatedKeyOut:
        """The answer's `plain_text_key` is the key: shown this once."""
        return self._run("POST", self.path, body=camel(fields), model=m.CreatedKeyOut)

    def revoke(self, key_id: Id, reason: str | None = None) -> m.KeyOut:
        return self._run("POST", self._at(key_id, "revoke"), body=camel({"reason": reason}))

    def audit(self, key_id: Id, **filters: Any) -> Page[m.AuditOut]:
        """`since`, `until`, `path` (a path prefix), `status_code`; not through `_list`, whose own `path` would
        take the filter's."""
        return self._run("GET", self._at(key_id, "audit"), params=camel(filters), page=True, model=m.AuditOut)


class Providers(Crud):
    path, model = "/providers", m.ProviderOut

    def delete(self, item_id: Id, force: bool = False) -> Any:
        return self._run("DELETE", self._at(item_id), params={"force": "true"} if force else None, model=None)

    def health(self, provider_id: Id) -> m.HealthOut:
        return self._run("POST", self._at(provider_id, "health"), model=m.HealthOut)

    def agents(self, provider_id: Id) -> list[m.DiscoveredOut]:
        return self._run("GET", self._at(provider_id, "agents"), model=m.DiscoveredOut)

    def teams(self, provider_id: Id) -> list[m.DiscoveredOut]:
        return self._run("GET", self._at(provider_id, "teams"), model=m.DiscoveredOut)

    def workflows(self, provider_id: Id) -> list[m.DiscoveredOut]:
        return self._run("GET", self._at(provider_id, "workflows"), model=m.DiscoveredOut)


class Access(Crud):
    """Access rules; `check()` asks whether a sender would be let through."""

    path, model = "/access/rules", m.RuleOut

    def check(self, **fields: Any) -> m.CheckOut:
        return self._run("POST", "/access/check", body=camel(fields), model=m.CheckOut)


class Automations(Crud):
    path, model = "/automations", m.AutomationOut

    def enable(self, automation_id: Id) -> m.AutomationOut:
        return self._run("POST", self._at(automation_id, "enable"))

    def disable(self, automation_id: Id) -> m.AutomationOut:
        return self._run("POST", self._at(automation_id, "disable"))

    def logs(self, automation_id: Id, **filters: Any) -> Page[m.LogOut]:
        return self._list(self._at(automation_id, "logs"), model=m.LogOut, **filters)


class WebhookSources(Crud):
    path, model = "/webhook-sources", m.SourceOut


class Settings(Resource):
    path, model = "/settings", m.SettingOut

    def list(self, **filters: Any) -> Page[m.SettingOut]:
        return self._list(**filters)

    def get(self, key: str) -> m.SettingOut:
        return self._run("GET", self._at(key))

    def set(self, key: str, value: Any, **fields: Any) -> m.SettingOut:
        """Create or change a setting (`reason=` goes to its history)."""
        return self._run("PUT", self._at(key), body=camel({"value": value, **fields}) | {"value": value})

    def set_many(self, settings: list[dict[str, Any]], reason: str | None = None) -> m.SettingList:
        body = camel({"settings": settings, "reason": reason})
        return self._run("PATCH", self.path, body=body, raw=True, transform=m.SettingList.model_validate)

    def delete(self, key: str) -> Any:
        return self._run("DELETE", self._at(key), model=None)

    def history(self, key: str, **filters: Any) -> Page[m.ChangeOut]:
        return self._list(self._at(key, "history"), model=m.ChangeOut, **filters)


class Events(Resource):
    path, model = "/events", m.EventOut

    def list(self, **filters: Any) -> Page[m.EventOut]:
        return self._list(**filters)

    def iterate(self, **filters: Any) -> Any:
        return self._iterate(**filters)

    def get(self, event_id: Id) -> m.EventOut:
        return self._run("GET", self._at(event_id))

    def search(self, **fields: Any) -> Page[m.SearchItem]:
        return self._run("POST", "/events/search", body=camel(fields), page=True, model=m.SearchItem)

    def analytics(self, **filters: Any) -> m.AnalyticsOut:
        return self._run("GET", "/events/analytics", params=camel(filters), model=m.AnalyticsOut)

    def by_sender(self, sender_id: str, **filters: Any) -> Page[m.EventOut]:
        return self._list(self._at("by-sender", _id(sender_id)), **filters)

    def timeline(self, person_id: Id, **filters: Any) -> Page[m.EventOut]:
        return self._list(self._at("timeline", _id(person_id)), **filters)

    def trigger(self, **fields: Any) -> m.EventOut:
        """Publish a custom event (`event_type=`, `payload=`, `instance_id=`, `correlation_id=`)."""
        return self._run("POST", "/events/trigger", body=camel(fields))


class DeadLetters(Resource):
    path, model = "/dead-letters", m.DeadLetterOut

    def list(self, **filters: Any) -> Page[m.DeadLetterOut]:
        return self._list(**filters)

    def get(self, dead_letter_id: Id) -> m.DeadLetterDetail:
        return self._run("GET", self._at(dead_letter_id), model=m.DeadLetterDetail)

    def stats(self) -> m.DeadLetterStats:
        return self._run("GET", "/dead-letters/stats", model=m.DeadLetterStats)

    def retry(self, dead_letter_id: Id) -> m.DeadLetterDetail:
        return self._run("POST", self._at(dead_letter_id, "retry"), model=m.DeadLetterDetail)

    def resolve(self, dead_letter_id: Id, note: str | None = None) -> m.DeadLetterDetail:
        return self._run("POST", self._at(dead_letter_id, "resolve"), body=camel({"note": note}),
                         model=m.DeadLetterDetail)  # fmt: skip

    def abandon(self, dead_letter_id: Id, note: str | None = None) -> m.DeadLetterDetail:
        return self._run("POST", self._at(dead_letter_id, "abandon"), body=camel({"note": note}),
                         model=m.DeadLetterDetail)  # fmt: skip


class FollowUps(Resource):
    """Follow-up configs by scope: `instance`, `chat` or `person` and that object's id."""

    model = m.FollowUpOut

    def get(self, scope: str, target: Id) -> m.FollowUpOut:
        return self._run("GET", f"/follow-up/{_id(scope)}/{_id(target)}")

    def set(self, scope: str, target: Id, config: dict[str, Any]) -> m.FollowUpOut:
        return self._run("PUT", f"/follow-up/{_id(scope)}/{_id(target)}", body=config)

    def delete(self, scope: str, target: Id) -> Any:
        return self._run("DELETE", f"/follow-up/{_id(scope)}/{_id(target)}", model=None)


class TriggerLogs(Resource):
    path, model = "/trigger-logs", m.TriggerLogOut

    def list(self, **filters: Any) -> Page[m.TriggerLogOut]:
        return self._list(**filters)

    def iterate(self, **filters: Any) -> Any:
        return self._iterate(**filters)


RESOURCES: dict[str, type[Resource]] = {
    "system": System, "instances": Instances, "routes": Routes, "chats": Chats, "messages": Messages,
    "persons": Persons, "keys": Keys, "providers": Providers, "access": Access, "automations": Automations,
    "webhook_sources": WebhookSources, "settings": Settings, "events": Events, "dead_letters": DeadLetters,
    "follow_ups": FollowUps, "trigger_logs": TriggerLogs,
}  # fmt: skip


def attach(client: Client | AsyncClient) -> None:
    for name, cls in RESOURCES.items():
        setattr(client, name, cls(client))
