"""Generated files stay in step with their sources: the client's models with the API's OpenAPI document, and
docs/cli.md with the CLI's --help texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("tool", ["gen_client_models.py", "gen_cli_docs.py"])
def test_generated_file_is_fresh(tool: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tools" / tool), "--check"], capture_output=True, text=True,
                            cwd=ROOT, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
