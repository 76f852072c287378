"""Test helpers for code built on ccsdk.

:class:`FakeModel` is a scripted stand-in for the Anthropic Messages API that
the real Claude Code CLI can be pointed at, so end-to-end tests and demos run
offline and deterministically.  This package imports only the standard
library, so importing it never drags in the SDK's heavier dependencies.
"""

from ccsdk.testing.fake_model import (
    SUGGESTION_TEXT,
    SUMMARY_TEXT,
    FakeModel,
    RawBlock,
    RecordedRequest,
    Turn,
    gateway_env,
    raw_block,
    text,
    thinking,
    tool_use,
)

__all__ = [
    "SUGGESTION_TEXT",
    "SUMMARY_TEXT",
    "FakeModel",
    "RawBlock",
    "RecordedRequest",
    "Turn",
    "gateway_env",
    "raw_block",
    "text",
    "thinking",
    "tool_use",
]
