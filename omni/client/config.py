"""The CLI's own config (`apiUrl`, `apiKey`, `defaultInstance`, `format`): a JSON file kept 0600."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

KEYS = ("apiUrl", "apiKey", "defaultInstance", "format")


def load(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except ValueError:
        return {}


def save(path: Path, values: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({k: v for k, v in values.items() if v is not None}, fh, indent=2)
    tmp.replace(path)
