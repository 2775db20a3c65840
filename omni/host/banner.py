"""The one-time announcement of a freshly generated primary API key."""

from __future__ import annotations


def banner(key: str, url: str) -> str:
    line = "─" * 64
    return (f"\n{line}\n  Omni is running at {url}\n\n  Primary API key (shown once, store it now):\n\n"
            f"    {key}\n\n  It is stored only as a hash; `omni keys` can create more.\n{line}\n")  # fmt: skip
