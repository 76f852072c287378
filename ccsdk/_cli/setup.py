"""Finding the CLI to run and the offline mode, shared by the command and ``ccsdk doctor``.

:func:`locate_cli` is :func:`~ccsdk.runtime._discovery.find_cli`'s search plus
the project-local ``./.cli/`` that ``python -m ccsdk.testing.install`` fills;
:func:`offline_environment` points the CLI at a scripted
:class:`~ccsdk.testing.FakeModel` when there are no credentials.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Generator, Mapping
from contextlib import ExitStack
from pathlib import Path

from ccsdk._errors import CLINotFoundError
from ccsdk.runtime._discovery import CLI_PATH_ENV_VAR, find_cli

__all__ = [
    "CREDENTIAL_ENV_VARS",
    "LOCAL_CLI",
    "has_credentials",
    "locate_cli",
    "offline_environment",
]

#: Where ``python -m ccsdk.testing.install`` installs the pinned CLI, relative to
#: the current directory; looked at last, after :func:`find_cli`'s places.
LOCAL_CLI = Path(".cli", "node_modules", ".bin", "claude")

#: Any of these in the environment means the CLI can reach a real model.
CREDENTIAL_ENV_VARS = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_USE_VERTEX",
    "CLAUDE_CODE_USE_FOUNDRY",
)


def locate_cli(cli_path: str | None = None) -> str:
    """The ``claude`` to run: :func:`find_cli`'s search, then ``./.cli/``.

    Raises :class:`CLINotFoundError` (from :func:`find_cli`) when nothing is
    found, or when ``cli_path`` or ``$CCSDK_CLI_PATH`` names a missing file.
    """
    try:
        return find_cli(cli_path)
    except CLINotFoundError:
        local = LOCAL_CLI.absolute()
        if cli_path is None and not os.environ.get(CLI_PATH_ENV_VAR) and os.access(local, os.X_OK):
            return str(local)
        raise


def has_credentials(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment gives the CLI a way to reach a real model."""
    env = os.environ if environ is None else environ
    off = ("", "0", "false", "no", "off")  # CLAUDE_CODE_USE_BEDROCK=0 is no credential
    return any(env.get(name, "").strip().lower() not in off for name in CREDENTIAL_ENV_VARS)


@contextlib.contextmanager
def offline_environment(answer: str) -> Generator[tuple[dict[str, str], str], None, None]:
    """Start a FakeModel that answers ``answer``; yield ``(env, home)`` for the CLI.

    ``env`` points the CLI at the fake on 127.0.0.1 with a dummy key and a
    scratch ``HOME``. Variables of the process that would send the CLI
    elsewhere (a real key, another base URL, Bedrock, a proxy) are taken out
    of ``os.environ`` meanwhile: the CLI inherits them, and an overlay can set
    a variable but not remove one.
    """
    # ccsdk.testing (http.server, threads) only when the command runs offline.
    from ccsdk.testing import FakeModel, Turn, text

    with ExitStack() as stack:
        model = stack.enter_context(FakeModel([Turn([text(answer)], chunk_size=12)]))
        home = stack.enter_context(tempfile.TemporaryDirectory(prefix="ccsdk-offline-"))
        ours = model.env(home=home)
        kept = model.env(home=home, base=os.environ)
        removed = {k: v for k, v in os.environ.items() if k not in kept}
        for key in removed:
            del os.environ[key]
        try:
            yield ours, home
        finally:
            os.environ.update(removed)
