"""Every command the READMEs show still works as written: each `python -m indicators …` parses with the CLI's own
parser (parsed only, never run) and each `bash scripts/…` names a script that exists."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from indicators import cli

ROOT = Path(__file__).resolve().parent.parent
READMES = [ROOT / "README.md", ROOT / "deploy" / "README.md"]
PLACEHOLDERS = {"RATE": "1.17"}  # a placeholder the READMEs show -> a value of the kind it stands for
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`([^`\n]+)`")


def shown_commands(text: str) -> list[str]:
    """Each command line of the fenced code blocks (comments dropped) and each inline code span."""
    lines = [line for block in FENCE.findall(text) for line in block.splitlines()]
    return [" ".join(shlex.split(line, comments=True)) for line in lines] + INLINE.findall(FENCE.sub("", text))


def cli_commands(text: str) -> list[list[str]]:
    """The arguments after `python -m indicators` of each command shown, placeholders filled in."""
    found = []
    for command in shown_commands(text):
        head, sep, tail = command.partition("python -m indicators")
        if sep and head.strip() in ("", ".venv/bin/"):
            found.append([PLACEHOLDERS.get(arg, arg) for arg in shlex.split(tail)])
    return found


def script_commands(text: str) -> list[str]:
    """The path of each `bash scripts/…` shown."""
    return [m for command in shown_commands(text) for m in re.findall(r"\bbash (scripts/\S+)", command)]


def parses(argv: list[str]) -> bool:
    """True when the CLI's parser accepts `argv` (as main() parses it; nothing is run)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.suppress(SystemExit):
        cli.parser().parse_args(argv)
        return True
    return False


ALL_CLI = [(path.relative_to(ROOT).as_posix(), argv) for path in READMES for argv in cli_commands(path.read_text())]


def test_the_readmes_show_commands_to_check():
    assert len(ALL_CLI) >= 15, ALL_CLI
    assert {argv[0] for _, argv in ALL_CLI} >= {"gap", "claims", "fiscal", "briefing", "check", "build"}


@pytest.mark.parametrize("readme,argv", ALL_CLI, ids=[f"{readme}: {' '.join(argv)}" for readme, argv in ALL_CLI])
def test_every_cli_command_shown_parses(readme, argv):
    assert parses(argv), f"{readme}: `python -m indicators {' '.join(argv)}` is rejected by indicators.cli.parser()"


@pytest.mark.parametrize(
    "argv",
    [
        ["gap", "--area", "E08000025", "--basis", "minute"],  # not a basis
        ["gap", "--basis", "hour"],  # --area is required
        ["gap", "--area", "E08000025", "--year", "22"],  # not a four-digit year
        ["claims", "--eur-per-gbp", "RATE"],  # a placeholder left unfilled
        ["forecast"],  # no such command
    ],
)
def test_a_bad_command_is_rejected(argv):
    assert not parses(argv)


def test_a_bad_command_in_a_readme_is_found():
    text = "Run\n\n```bash\n.venv/bin/python -m indicators gap --area X --basis minute  # wrong\n```\n"
    assert cli_commands(text) == [["gap", "--area", "X", "--basis", "minute"]]
    assert cli_commands("or `python -m indicators claims --eur-per-gbp RATE`.") == [["claims", "--eur-per-gbp", "1.17"]]
    assert not parses(cli_commands(text)[0])


def test_the_two_commands_and_every_script_shown_exist():
    scripts = {script for path in READMES for script in script_commands(path.read_text())}
    assert {"scripts/run-dashboard.sh", "scripts/run-tests.sh"} <= scripts
    for script in scripts:
        assert (ROOT / script).is_file(), f"a README runs `bash {script}`, which does not exist"
