"""`omni completions bash|zsh|fish`: the shell completion script (click's), to source from the shell's startup."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

INSTALL = {
    "bash": 'eval "$(omni completions bash)"  # in ~/.bashrc',
    "zsh": 'eval "$(omni completions zsh)"  # in ~/.zshrc',
    "fish": "omni completions fish > ~/.config/fish/completions/omni.fish",
}


@click.command(name="completions")
@click.argument("shell", type=click.Choice(sorted(INSTALL)))
@click.pass_context
def completions(ctx: click.Context, shell: str) -> None:
    """Print the completion script for a shell.

    \b
    Install:
      bash:  eval "$(omni completions bash)"    (add it to ~/.bashrc)
      zsh:   eval "$(omni completions zsh)"     (add it to ~/.zshrc)
      fish:  omni completions fish > ~/.config/fish/completions/omni.fish
    """
    root = ctx.find_root().command
    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(root, {}, "omni", "_OMNI_COMPLETE").source())


def register(cli: click.Group) -> None:
    cli.add_command(completions)
