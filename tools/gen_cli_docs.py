"""Write `docs/cli.md` from the CLI's own `--help` texts (every group and command, plugins' commands left out).

python tools/gen_cli_docs.py           # rewrite docs/cli.md
python tools/gen_cli_docs.py --check   # exit 1 when docs/cli.md is stale (tests/unit/test_generated.py runs it)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "cli.md"
WIDTH = 110

INTRO = """# The `omni` command line

Generated from `omni … --help` by `tools/gen_cli_docs.py`; a test fails when it is stale.

- **Output**: a table on a terminal, JSON when piped. `--json`, `OMNI_FORMAT=json|human` or
  `omni config set format json` choose. JSON is `{"success": true, "data": …}` (lists add `meta` with `hasMore` and
  `cursor`), errors `{"success": false, "error": "…", "details": {"code": …, "hint": …}}` with exit status 1.
  `--no-color` or `NO_COLOR=1` drop colours.
- **IDs**: a full UUID, a unique UUID prefix (2+ characters) or a name (exact, or a unique part); several matches
  is an error listing them.
- **Server and key**: `omni auth login --api-key …` (saved 0600), or `OMNI_API_URL` / `OMNI_API_KEY`;
  `--instance` defaults to `omni config set defaultInstance NAME` (or `OMNI_INSTANCE`).
- **Flags of create/update** are the API's fields (`--agent-reply-filter` for `agentReplyFilter`); JSON ones take
  a literal, `@file` or `-`; `null` clears a field on update.
- **Python**: the CLI is built on `omni.client` (`Client`, `AsyncClient`), which you can import too.
- **Completions**: `omni completions bash|zsh|fish`.

"""


def render() -> str:
    os.environ["OMNI_LOAD_PLUGINS"] = ""  # the core's commands only: the page must not depend on what is installed
    os.environ["NO_COLOR"] = "1"
    import click

    from omni.cli import cli

    parts = [INTRO]

    def walk(command: click.Command, path: list[str], parent: click.Context | None) -> None:
        settings = {**command.context_settings, "max_content_width": WIDTH, "terminal_width": WIDTH}
        ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
        if command.hidden:
            return
        level = min(len(path) + 1, 4)
        parts.append(f"{'#' * level} `{' '.join(path)}`\n\n```text\n{command.get_help(ctx).rstrip()}\n```\n")
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, [*path, name], ctx)

    walk(cli, ["omni"], None)
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run `python tools/gen_cli_docs.py`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
