"""Errors a user can cause on the host, each with the fix in its message."""

from __future__ import annotations


class HostError(Exception):
    """A host operation failed in a way the user can fix; the message says how."""


class PortInUse(HostError):
    def __init__(self, port: int, what: str, how: str) -> None:
        self.port = port
        super().__init__(f"port {port} ({what}) is already in use; choose another with {how}")


class AlreadyRunning(HostError):
    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        super().__init__(f"omni is already running for this data dir (supervisor pid {pid})")
