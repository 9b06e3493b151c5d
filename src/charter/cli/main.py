"""The ``charter`` command. Thin: every command calls a capability function and prints the result."""

from __future__ import annotations

from types import ModuleType

import typer

from charter.cli import (
    alerts,
    audit,
    backup,
    core,
    cost,
    feedback,
    guards,
    incidents,
    jobs,
    kb,
    keys,
    models,
    monitor,
    prompts,
    review,
    subjects,
    train,
    usecases,
    workflows,
)
from charter.cli import eval as eval_
from charter.files import restrict_umask

__all__ = ["app", "main"]

app = typer.Typer(
    name="charter",
    help="Charter: the governed LLM gateway and LLMOps platform. Every command takes --json.",
    no_args_is_help=True,
    add_completion=False,
)

#: Sub-command groups: (name, module with ``app = typer.Typer()``).
SUBCOMMANDS: tuple[tuple[str, ModuleType], ...] = (
    ("usecases", usecases),
    ("keys", keys),
    ("models", models),
    ("alerts", alerts),
    ("cost", cost),
    ("audit", audit),
    ("guards", guards),
    ("review", review),
    ("feedback", feedback),
    ("incidents", incidents),
    ("prompts", prompts),
    ("eval", eval_),
    ("kb", kb),
    ("monitor", monitor),
    ("jobs", jobs),
    ("subjects", subjects),
    ("backup", backup),
    ("train", train),
    ("workflows", workflows),
)


def _mount() -> None:
    for name, module in SUBCOMMANDS:
        app.add_typer(module.app, name=name)
    core.register(app)  # the root commands: init, serve, chat, kill, revive
    jobs.register(app)  # charter doctor
    backup.register(app)  # charter restore


_mount()


def main() -> None:
    restrict_umask()  # everything the command creates is owner-only (charter.files)
    app()
