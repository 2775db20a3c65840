"""The account and its groups through neonize: check numbers, profiles, block list, privacy, contacts, groups
(list with participants, create, invite links, join, picture, members), calls. Mixed into the `WhatsApp` channel;
omni's API reaches these through `Channel.check_numbers` … (`POST /instances/:id/check-number`, `/groups` …)."""

from __future__ import annotations

import re
from typing import Any

from omni.channels.base import ChannelError, SendFailed
from omni_whatsapp.jids import GROUP_SERVER, jid_str, parse_jid, phone_of

PRIVACY = {1: "undefined", 2: "all", 3: "contacts", 4: "contact_blacklist", 5: "match_last_seen", 6: "known",
           7: "none", 8: "on_standard", 9: "off"}  # fmt: skip
INVITE = re.compile(r"(?:https?://)?chat\.whatsapp\.com/(?:invite/)?([A-Za-z0-9_-]+)")


def _user(value: str) -> Any:
    try:
        return parse_jid(value)
    except SendFailed as exc:
        raise ChannelError(str(exc), code="VALIDATION_ERROR") from None


def _group(value: str) -> Any:
    jid = _user(value if "@" in value else f"{value}@{GROUP_SERVER}")
    if jid.Server != GROUP_SERVER:
        raise ChannelError(f"{value!r} is not a WhatsApp group id (…@g.us)", code="VALIDATION_ERROR")
    return jid


def _participant(p: Any) -> dict[str, Any]:
    phone = phone_of(p.PhoneNumber) if p.HasField("PhoneNumber") and p.PhoneNumber.User else phone_of(p.JID)
    return {"id": jid_str(p.JID), "phone": phone, "isAdmin": bool(p.IsAdmin), "isSuperAdmin": bool(p.IsSuperAdmin),
            **({"name": p.DisplayName} if p.DisplayName else {})}  # fmt: skip


def group_dict(info: Any) -> dict[str, Any]:
    members = [_participant(p) for p in info.Participants]
    return {"id": jid_str(info.JID), "name": info.GroupName.Name or None, "type": "group",
            "topic": info.GroupTopic.Topic or None, "memberCount": len(members), "participants": members,
            "owner": jid_str(info.OwnerJID) if info.OwnerJID.User else None,
            "announce": bool(info.GroupAnnounce.IsAnnounce) if info.HasField("GroupAnnounce") else None}  # fmt: skip


def _not_found(exc: Exception, what: str) -> ChannelError:
    text = str(exc)
    if any(
        word in text.lower() for word in ("not found", "item-not-found", "404", "forbidden", "401", "not-authorized")
    ):
        return ChannelError(f"{what}: {text}", code="NOT_FOUND")
    return ChannelError(f"{what}: WhatsApp said {text}", code="CHANNEL_ERROR")


class Account:
    """`Channel` account and group methods for WhatsApp (uses `self._client()`)."""

    def _client(self) -> Any:  # provided by the channel
        raise NotImplementedError

    async def check_numbers(self, phones: list[str]) -> list[dict[str, Any]]:
        digits = [re.sub(r"\D", "", p) for p in phones]
        answers = await self._client().is_on_whatsapp(*[f"+{d}" for d in digits if d])
        by_number = {re.sub(r"\D", "", a.Query): a for a in answers}
        out = []
        for phone, number in zip(phones, digits, strict=True):
            found = by_number.get(number)
            exists = bool(found and found.IsIn)
            business = bool(exists and found.HasField("VerifiedName") and found.VerifiedName.HasField("Details"))
            out.append({"phone": phone, "exists": exists, "id": jid_str(found.JID) if exists else None,
                        "isBusiness": business})  # fmt: skip
        return out

    async def get_profile(self, user_id: str | None = None) -> dict[str, Any]:
        client = self._client()
        if user_id is None:
            me = await client.get_me()
            jid = me.JID
            profile: dict[str, Any] = {"id": jid_str(jid), "name": me.PushName or None, "phone": phone_of(jid)}
        else:
            jid = _user(user_id)
            profile = {"id": jid_str(jid), "phone": phone_of(jid)}
            contact = await client.contact.get_contact(jid)
            if contact.Found:
                profile["name"] = contact.FullName or contact.PushName or contact.BusinessName or None
        try:
            infos = await client.get_user_info(jid)
            for info in infos:
                profile["status"] = info.UserInfo.Status or None
        except Exception as exc:
            if user_id is not None:
                raise _not_found(exc, f"no WhatsApp user {user_id}") from None
        try:
            picture = await client.get_profile_picture(jid)
            profile["pictureUrl"] = picture.URL or None
        except Exception:  # no picture, or hidden by privacy settings
            profile["pictureUrl"] = None
        return profile

    async def update_profile(self, *, name: str | None = None, status: str | None = None) -> dict[str, Any]:
        if name is not None:
            raise ChannelError("WhatsApp's display name is set on the phone (whatsmeow cannot change it)",
                               code="CAPABILITY_NOT_SUPPORTED")  # fmt: skip
        if status is not None:
            await self._client().set_status_message(status)
        profile = await self.get_profile()
        if status is not None:
            profile["status"] = status
        return profile

    async def set_profile_picture(self, data: bytes | None) -> dict[str, Any]:
        if data is None:
            raise ChannelError("removing the picture is done on the phone (whatsmeow cannot)",
                               code="CAPABILITY_NOT_SUPPORTED")  # fmt: skip
        return {"pictureId": await self._client().set_profile_photo(data) or None}

    async def set_blocked(self, user_id: str, blocked: bool) -> dict[str, Any]:
        from neonize.utils.enum import BlocklistAction

        jid = _user(user_id)
        await self._client().update_blocklist(jid, BlocklistAction.BLOCK if blocked else BlocklistAction.UNBLOCK)
        return {"id": jid_str(jid), "blocked": blocked}

    async def fetch_blocklist(self) -> list[str]:
        return [jid_str(j) for j in (await self._client().get_blocklist()).JIDs]

    async def fetch_privacy(self) -> dict[str, Any]:
        settings = await self._client().get_privacy_settings()
        names = {"GroupAdd": "groupAdd", "LastSeen": "lastSeen", "Status": "status", "Profile": "profile",
                 "ReadReceipts": "readReceipts", "CallAdd": "callAdd", "Online": "online"}  # fmt: skip
        return {ours: PRIVACY.get(getattr(settings, theirs), str(getattr(settings, theirs)))
                for theirs, ours in names.items()}  # fmt: skip

    async def fetch_contacts(self, *, parent: str | None = None) -> list[dict[str, Any]]:
        if parent is not None:  # a group's members
            return [
                {**p, "parentId": jid_str(_group(parent))} for p in (await self._group_info(parent))["participants"]
            ]
        out = []
        for contact in await self._client().contact.get_all_contacts():
            info = contact.Info
            name = info.FullName or info.FirstName or info.PushName or info.BusinessName or None
            out.append({"id": jid_str(contact.JID), "name": name, "phone": phone_of(contact.JID)})
        return out

    async def fetch_groups(self, *, parent: str | None = None) -> list[dict[str, Any]]:
        groups = [group_dict(g) for g in await self._client().get_joined_groups()]
        return [g for g in groups if parent is None or parent == g["id"]]

    async def _group_info(self, group_id: str) -> dict[str, Any]:
        try:
            return group_dict(await self._client().get_group_info(_group(group_id)))
        except ChannelError:
            raise
        except Exception as exc:
            raise _not_found(exc, f"no group {group_id} for this account") from None

    async def create_group(self, subject: str, participants: list[str]) -> dict[str, Any]:
        info = await self._client().create_group(subject, [_user(p) for p in participants])
        return group_dict(info)

    async def group_invite_link(self, group_id: str, *, revoke: bool = False) -> dict[str, Any]:
        try:
            link = await self._client().get_group_invite_link(_group(group_id), revoke)
        except ChannelError:
            raise
        except Exception as exc:
            raise _not_found(exc, f"no invite link for {group_id} (not a member, or not an admin)") from None
        match = INVITE.search(link or "")
        return {"link": link, "code": match.group(1) if match else None}

    async def join_group(self, code: str) -> dict[str, Any]:
        match = INVITE.search(code)
        token = match.group(1) if match else code.strip()
        try:
            jid = await self._client().join_group_with_link(token)
        except Exception as exc:
            raise _not_found(exc, "this invite does not work (revoked, expired or full)") from None
        return {"id": jid_str(jid)}

    async def set_group_picture(self, group_id: str, data: bytes) -> dict[str, Any]:
        try:
            return {"pictureId": await self._client().set_group_photo(_group(group_id), data) or None}
        except ChannelError:
            raise
        except Exception as exc:
            raise _not_found(exc, f"cannot set the picture of {group_id}") from None

    async def update_group_participants(self, group_id: str, action: str,
                                        participants: list[str]) -> list[dict[str, Any]]:  # fmt: skip
        from neonize.utils.enum import ParticipantChange

        change = ParticipantChange(action)
        try:
            result = await self._client().update_group_participants(_group(group_id), [_user(p) for p in participants],
                                                                    change)  # fmt: skip
        except ChannelError:
            raise
        except Exception as exc:
            raise _not_found(exc, f"cannot change the members of {group_id}") from None
        return [{"id": jid_str(p.JID), "status": "ok" if not p.Error else f"error {p.Error}"} for p in result]

    async def reject_call(self, call_id: str, call_from: str) -> None:
        await self._client().reject_call(_user(call_from), call_id)
