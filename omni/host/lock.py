"""One supervisor per data dir: an exclusive lock on a file in the run dir, held for the supervisor's life."""

from __future__ import annotations

import fcntl
from typing import IO

from omni.host import procs
from omni.host.errors import AlreadyRunning
from omni.paths import Paths


def acquire_lock(paths: Paths) -> IO[str]:
    paths.run.mkdir(parents=True, exist_ok=True)
    fh = paths.lock_file.open("a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        running = procs.live_process(paths.pid_file("supervisor"))
        raise AlreadyRunning(running.pid if running else None) from None
    return fh


def lock_held(paths: Paths) -> bool:
    """True while some supervisor holds the data dir's lock."""
    if not paths.lock_file.exists():
        return False
    with paths.lock_file.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False
