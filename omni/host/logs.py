"""Service logs: one size-rotated file per service in the log dir, plus the console in foreground mode."""

from __future__ import annotations

import logging
import logging.handlers
import subprocess
import sys
import threading
from pathlib import Path

from omni.config import Settings
from omni.paths import Paths

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
SERVICES = ("supervisor", "postgres", "nats", "api")


def setup(paths: Paths, settings: Settings, service: str, *, console: bool) -> logging.Logger:
    """A logger `omni.<service>` writing to `<logs>/<service>.log` (rotated by size) and optionally the console."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"omni.{service}")
    logger.setLevel(settings.log_level)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    rotating = logging.handlers.RotatingFileHandler(
        paths.log_file(service), maxBytes=settings.log_max_bytes, backupCount=settings.log_backups
    )
    rotating.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(rotating)
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter(f"%(asctime)s {service:<10} %(message)s", "%H:%M:%S"))
        logger.addHandler(stream)
    return logger


def pump(proc: subprocess.Popen[bytes], logger: logging.Logger) -> threading.Thread:
    """Copy a child's output, line by line, into its service log."""

    def run() -> None:
        assert proc.stdout is not None
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                logger.info(line)
        proc.stdout.close()

    thread = threading.Thread(target=run, name=f"log-{logger.name}", daemon=True)
    thread.start()
    return thread


def tail(path: Path, lines: int) -> list[str]:
    """The last `lines` lines of a file (reads from the end, so large logs stay cheap)."""
    if not path.exists():
        return []
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        block = min(size, max(4096, lines * 300))
        fh.seek(size - block)
        data = fh.read().decode("utf-8", "replace").splitlines()
    return data[-lines:] if lines else []
