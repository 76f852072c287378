"""Finding the ``claude`` executable, and checking that it is recent enough.

:func:`find_cli` looks, in order, at:

1. the ``cli_path`` option, if given (a path, or a bare command name looked
   up on ``PATH``);
2. the ``CCSDK_CLI_PATH`` environment variable, if set and not empty;
3. ``claude`` on ``PATH`` (``shutil.which``);
4. the places installers put it: ``~/.npm-global/bin/claude``,
   ``/usr/local/bin/claude``, ``~/.local/bin/claude``,
   ``~/node_modules/.bin/claude``, ``~/.yarn/bin/claude``,
   ``~/.claude/local/claude``.

A path given explicitly (steps 1 and 2) must exist and be executable, else
:class:`CLINotFoundError` names it: a wrong setting is an error, not a reason
to quietly run some other ``claude``. When nothing is found the error says
how to install the CLI and how to point ccsdk at it.

``find_cli`` makes a few ``stat`` calls; an async caller may run it in a
worker thread. :func:`check_version` does no I/O at all: the version comes
from the CLI's ``initialize`` answer (``claude_code_version``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ccsdk._errors import CLINotFoundError, CLIVersionError
from ccsdk._version import MINIMUM_CLI_VERSION, older_than_minimum, parse_version

__all__ = [
    "CLI_PATH_ENV_VAR",
    "MINIMUM_CLI_VERSION",
    "check_version",
    "find_cli",
    "parse_version",
    "usual_places",
]

#: The environment variable consulted before ``PATH``.
CLI_PATH_ENV_VAR = "CCSDK_CLI_PATH"

# Relative to the home directory, except the absolute one.
_USUAL_PLACES = (
    ".npm-global/bin/claude",
    "/usr/local/bin/claude",
    ".local/bin/claude",
    "node_modules/.bin/claude",
    ".yarn/bin/claude",
    ".claude/local/claude",
)

_NOT_FOUND = """Claude Code CLI not found. Install it with:
  npm install -g @anthropic-ai/claude-code

If it is installed but not on PATH, pass its location:
  ClaudeCodeOptions(cli_path="/path/to/claude")
or set the environment variable {env}=/path/to/claude.

Searched: PATH, {places}"""


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _explicit(value: str | Path, source: str) -> str:
    text = os.fspath(value)
    if not text:
        raise CLINotFoundError(f"{source} is empty", text)
    # A bare name ("claude", "claude-beta") is a command to look up on PATH.
    if os.sep not in text and (os.altsep is None or os.altsep not in text):
        import shutil  # here, not at the top: it costs ~4 ms of `import ccsdk`

        found = shutil.which(text)
        if found is not None:
            return found
    path = Path(text).expanduser()
    if not path.exists():
        raise CLINotFoundError(
            f"Claude Code CLI given by {source} does not exist (install it with "
            f"`npm install -g @anthropic-ai/claude-code`, or fix the path)",
            text,
        )
    if not _is_executable(path):
        raise CLINotFoundError(f"Claude Code CLI given by {source} is not executable", text)
    return str(path)


def usual_places() -> list[Path]:
    """Where :func:`find_cli` looks after ``PATH`` (before ``./node_modules``)."""
    home = Path.home()
    return [home / p if not p.startswith("/") else Path(p) for p in _USUAL_PLACES]


def find_cli(cli_path: str | Path | None = None) -> str:
    """Return the path of the ``claude`` executable to run; see the module docstring.

    Raises :class:`CLINotFoundError` when an explicit path is missing or not
    executable, or when the search finds nothing.
    """
    if cli_path is not None:
        return _explicit(cli_path, "cli_path")
    from_env = os.environ.get(CLI_PATH_ENV_VAR)
    if from_env:
        return _explicit(from_env, CLI_PATH_ENV_VAR)
    import shutil

    found = shutil.which("claude")
    if found is not None:
        return found
    places = usual_places()
    for place in places:
        if _is_executable(place):
            return str(place)
    raise CLINotFoundError(
        _NOT_FOUND.format(env=CLI_PATH_ENV_VAR, places=", ".join(str(p) for p in places))
    )


def check_version(found: str | None) -> None:
    """Raise :class:`CLIVersionError` if ``found`` is older than ``MINIMUM_CLI_VERSION``.

    Returns quietly when ``found`` is ``None`` or cannot be parsed: the caller
    logs a warning and goes on, since refusing an unknown CLI would lock out
    builds that report their version differently.
    """
    if found is not None and older_than_minimum(found):
        raise CLIVersionError(found.strip(), MINIMUM_CLI_VERSION)
