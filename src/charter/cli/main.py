"""The ``charter`` command. Thin: every command calls a capability function and prints the result."""

from __future__ import annotations

import importlib

import typer

from charter.files import restrict_umask

__all__ = ["app", "main"]

app = typer.Typer(
    name="charter",
    help="Charter: the governed LLM gateway and LLMOps platform. Every command takes --json.",
    no_args_is_help=True,
    add_completion=False,
)

#: Sub-command groups, one module each (``app = typer.Typer()`` in it), mounted when present.
SUBCOMMANDS: tuple[tuple[str, str], ...] = (
    ("usecases", "charter.cli.usecases"),
    ("keys", "charter.cli.keys"),
    ("models", "charter.cli.models"),
    ("audit", "charter.cli.audit"),
    ("guards", "charter.cli.guards"),
    ("review", "charter.cli.review"),
    ("feedback", "charter.cli.feedback"),
    ("incidents", "charter.cli.incidents"),
    ("prompts", "charter.cli.prompts"),
    ("eval", "charter.cli.eval"),
    ("kb", "charter.cli.kb"),
)
#: Modules whose top-level commands (``register(app)``) join the root: init, serve, chat, kill, ...
ROOT_COMMANDS: tuple[str, ...] = ("charter.cli.core",)


def _mount() -> None:
    for name, module_name in SUBCOMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        app.add_typer(module.app, name=name)
    for module_name in ROOT_COMMANDS:
        importlib.import_module(module_name).register(app)


_mount()


def main() -> None:
    restrict_umask()  # everything the command creates is owner-only (charter.files)
    app()
