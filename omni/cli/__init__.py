"""The `omni` command line."""

from __future__ import annotations

import click

from omni import __version__
from omni.cli import host, plugins


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "-V", "--version", prog_name="omni")
def cli() -> None:
    """Omni: one API, one CLI and one event stream for every messaging channel.

    \b
    Get going:
      omni install        set up the server (database, event bus, API key)
      omni start          start it in the background
      omni status         what is running, where, and is it healthy
      omni doctor         find problems, and `--fix` the safe ones
    """


host.register(cli)
plugins.register(cli)


def main() -> None:
    cli(prog_name="omni")
