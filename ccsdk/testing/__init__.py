"""Test helpers for code built on ccsdk.

:class:`FakeModel` is a scripted stand-in for the Anthropic Messages API that
the real Claude Code CLI can be pointed at, so end-to-end tests and demos run
offline and deterministically; :func:`ensure_cli` installs the pinned CLI
(:data:`PINNED_CLI_VERSION`) for them (:mod:`ccsdk.testing.install`, also
``python -m ccsdk.testing.install``). This package imports only the standard
library and ccsdk's own leaf modules, so importing it never drags in the
SDK's heavier dependencies.

:func:`run_session_store_conformance` checks a session store (yours, or one
of ccsdk's) against the contracts of the ``SessionStore`` protocol.
"""

from ccsdk.testing._classify import RecordedRequest, gateway_env
from ccsdk.testing._conformance import run_session_store_conformance
from ccsdk.testing._install import PINNED_CLI_VERSION, cli_version, ensure_cli
from ccsdk.testing._model import FakeModel
from ccsdk.testing._script import (
    SUGGESTION_TEXT,
    SUMMARY_TEXT,
    RawBlock,
    Turn,
    raw_block,
    text,
    thinking,
    tool_use,
)

__all__ = [
    "PINNED_CLI_VERSION",
    "SUGGESTION_TEXT",
    "SUMMARY_TEXT",
    "FakeModel",
    "RawBlock",
    "RecordedRequest",
    "Turn",
    "cli_version",
    "ensure_cli",
    "gateway_env",
    "raw_block",
    "run_session_store_conformance",
    "text",
    "thinking",
    "tool_use",
]
