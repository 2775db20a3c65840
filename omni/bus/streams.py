"""The JetStream streams (the reference §3 retention) and the durable consumers of the pipeline, declared once and
created (or updated) idempotently when an API worker starts."""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from omni.bus import subjects as names

DAY = 86_400.0
DUPLICATE_WINDOW = 600.0  # seconds JetStream remembers Nats-Msg-Id (a reconnect catch-up inside it is dropped)


@dataclass(frozen=True)
class Stream:
    domain: str  # the stream is <NAMESPACE>_<domain>
    subjects: tuple[str, ...]  # below the namespace: "message.>" is omni.message.>
    max_age_days: float
    work_queue: bool = False

    @property
    def name(self) -> str:
        return names.stream_name(self.domain)

    def config(self) -> StreamConfig:
        return StreamConfig(
            name=self.name, subjects=[f"{names.ROOT}.{s}" for s in self.subjects], max_age=self.max_age_days * DAY,
            storage=StorageType.FILE, duplicate_window=DUPLICATE_WINDOW, discard=DiscardPolicy.OLD,
            retention=RetentionPolicy.WORK_QUEUE if self.work_queue else RetentionPolicy.LIMITS,
        )  # fmt: skip


STREAMS = (
    Stream("MESSAGE", ("message.>",), 30),
    Stream("REACTION", ("reaction.>",), 7),
    Stream("INSTANCE", ("instance.>",), 7),
    Stream("IDENTITY", ("identity.>",), 90),
    Stream("MEDIA", ("media.>",), 7),
    Stream("ACCESS", ("access.>",), 30),
    Stream("AGENT", ("agent.>",), 7),
    Stream("CUSTOM", ("custom.>",), 7),
    Stream("SYSTEM", ("system.>", "sync.>", "profile.>", "batch-job.>", "presence.>"), 7),
    Stream("COMMAND", ("command.>",), 7, work_queue=True),
)


async def ensure(js: JetStreamContext) -> None:
    """Create every stream, or bring an existing one to this configuration."""
    for stream in STREAMS:
        config = stream.config()
        try:
            await js.add_stream(config)
        except BadRequestError:  # exists with another configuration (an upgrade changed it)
            await js.update_stream(config)
