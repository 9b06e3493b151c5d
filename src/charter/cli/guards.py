"""``charter guards scan|list``: try the guards on a text without a gateway or a store."""

from __future__ import annotations

import sys

import typer

from charter.cli.common import emit, fail, table
from charter.cli.options import JsonFlag
from charter.errors import CharterError
from charter.guards import GuardSet, scan_text
from charter.plugins import load_extensions
from charter.settings import load_settings

app = typer.Typer(help="Guards: PII, injection, leakage and toxicity checks.", no_args_is_help=True)


def _guards() -> GuardSet:
    settings = load_settings()
    return GuardSet(load_extensions(settings.plugins), settings)


@app.command()
def scan(
    text: str = typer.Argument(..., help="The text to screen; '-' reads standard input."),
    guard: list[str] = typer.Option([], "--guard", "-g",
                                    help="Guard to run (repeatable). Default: every input guard."),
    direction: str = typer.Option("input", help="input | output | context"),
    threshold: float = typer.Option(0.5, min=0.0, max=1.0, help="Findings below this score are left out."),
    json_output: JsonFlag = False,
) -> None:
    """Findings (guard, type, start, end, score; character offsets into TEXT) and a verdict."""
    if text == "-":
        text = sys.stdin.read()
    try:
        result = scan_text(_guards(), text, guard or None, direction=direction,  # type: ignore[arg-type]
                           threshold=threshold)
    except CharterError as exc:
        fail(exc, json_output)
        return
    rows = [[f["guard"], f["type"], f["start"], f["end"], f["score"], text[f["start"]:f["end"]]]
            for f in result["findings"]]
    emit(result, json_output, human=table(f"verdict: {result['verdict']}",
                                          ["guard", "type", "start", "end", "score", "text"], rows))


@app.command("list")
def list_(json_output: JsonFlag = False) -> None:
    """Installed guards, their versions and the directions they screen."""
    try:
        rows = _guards().describe()
    except CharterError as exc:
        fail(exc, json_output)
        return
    cells = [[r["name"], r["version"], ", ".join(r["directions"])] for r in rows]
    emit(rows, json_output, human=table("guards", ["name", "version", "directions"], cells))
