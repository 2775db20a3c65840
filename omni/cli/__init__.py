"""The `omni` command line: host commands (install, start, doctor …) and the API client commands, one module per
resource (`omni/cli/<resource>.py`, each with a `register(cli)`)."""

from __future__ import annotations

import click

from omni import __version__

# The sections of `omni --help`; a command not listed (a plugin's) goes under "Plugins".
CORE = ("send", "instances", "chats", "messages", "persons", "setup")
MANAGEMENT = ("providers", "routes", "access", "follow-up", "automations", "webhooks", "keys", "settings", "events",
              "dead-letters", "trigger-logs")  # fmt: skip
SYSTEM = ("install", "start", "stop", "restart", "status", "logs", "doctor", "auth", "config", "plugins",
          "completions", "serve")  # fmt: skip
SECTIONS: dict[str, tuple[str, ...]] = {"Core": CORE, "Management": MANAGEMENT, "System": SYSTEM}


class OmniGroup(click.Group):
    """`omni --help` in sections (Core / Management / System), then what plugins add; a mistake in the command line
    (unknown command or flag, missing argument) is the JSON error envelope too when the output is JSON."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in MODULE_OF:
            _load(self, MODULE_OF[name])
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(MODULE_OF))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["omni.argv"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            from omni.cli.base import json_wanted

            if not json_wanted("--json" in ctx.meta.get("omni.argv", ())):
                raise
            import json

            where = exc.ctx.command_path if exc.ctx is not None else "omni"
            click.echo(json.dumps({"success": False, "error": exc.format_message(),
                                   "details": {"code": "USAGE", "hint": f"`{where} --help` lists what it takes"}},
                                  indent=2))  # fmt: skip
            ctx.exit(2)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed: dict[str, click.Command] = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                listed[name] = command
        width = formatter.width - 6 - max((len(n) for n in listed), default=0)
        placed: set[str] = set()
        for section, names in [*SECTIONS.items(), ("Plugins", tuple(sorted(listed)))]:
            rows = [(n, listed[n].get_short_help_str(width)) for n in names if n in listed and n not in placed]
            placed.update(n for n, _ in rows)
            if rows:
                with formatter.section(section):
                    formatter.write_dl(rows)


@click.group(cls=OmniGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "-V", "--version", prog_name="omni")
def cli() -> None:
    """Omni: one API, one CLI and one event stream for every messaging channel.

    \b
    Get going:
      omni install                       set up the server (database, event bus, API key)
      omni start                         start it in the background
      omni instances create --name support --channel whatsapp
      omni instances qr support --watch  scan the QR with the phone
      omni setup agent --instance support --provider openai --api-key sk-…
      omni send --instance support --to +15551234567 --text "hello"

    Output is a table on a terminal and JSON when piped (or with --json). IDs may be given as a UUID, a unique
    UUID prefix or a name.
    """


# The client commands live one module per resource, each with `register(cli)`; a module is imported only when one
# of its commands is used (or `omni --help` lists them), so `omni --version` and the host commands stay quick.
CLIENT_MODULES: dict[str, tuple[str, ...]] = {
    "auth": ("auth", "config"), "instances": ("instances",), "send": ("send",), "chats": ("chats",),
    "messages": ("messages",), "persons": ("persons",), "providers": ("providers", "routes", "follow-up", "trigger-logs"),
    "setup": ("setup",), "access": ("access",), "automations": ("automations", "webhooks"), "keys": ("keys",),
    "settings": ("settings",), "events": ("events", "dead-letters"), "completions": ("completions",),
}  # fmt: skip
MODULE_OF = {command: module for module, commands in CLIENT_MODULES.items() for command in commands}


def _load(group: click.Group, module: str) -> None:
    import importlib

    importlib.import_module(f"omni.cli.{module}").register(group)


def _register() -> None:
    from omni.cli import host, plugins

    host.register(cli)
    plugins.register(cli)


_register()


def main() -> None:
    cli(prog_name="omni")
