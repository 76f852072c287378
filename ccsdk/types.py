"""Every type of the official SDKs' ``types`` modules, under one name.

``from claude_agent_sdk.types import AssistantMessage, ClaudeAgentOptions,
HookInput`` becomes ``from ccsdk.types import ...`` and works: this module
holds each public name of ``claude_agent_sdk.types`` 0.2.190 and of
``claude_code_sdk.types`` 0.0.25. It only gathers them; each lives where
ccsdk keeps it:

* the messages and content blocks, and the views of ``SystemMessage.info``:
  :mod:`ccsdk.protocol.messages`;
* configuration (permissions, MCP configs, hooks, sandbox, agents, control
  frames): ``ccsdk._config_types``;
* the shapes of hook inputs and outputs: :mod:`ccsdk._hooks`;
* the two options classes: :mod:`ccsdk._options`;
* the types the session functions return: ``ccsdk.stored_sessions``;
* the session-store protocol and its ``TypedDict`` s: ``ccsdk._store_types``.
"""

from ccsdk import _config_types, _hooks
from ccsdk._config_types import *  # noqa: F403
from ccsdk._hooks import *  # noqa: F403
from ccsdk._options import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk._store_types import (
    SessionListSubkeysKey,
    SessionStore,
    SessionStoreEntry,
    SessionStoreFlushMode,
    SessionStoreListEntry,
    SessionSummaryEntry,
)
from ccsdk.protocol import messages
from ccsdk.protocol.messages import *  # noqa: F403
from ccsdk.stored_sessions import SDKSessionInfo, SessionMessage

__all__ = [
    "ClaudeAgentOptions",
    "ClaudeCodeOptions",
    "SDKSessionInfo",
    "SessionListSubkeysKey",
    "SessionMessage",
    "SessionStore",
    "SessionStoreEntry",
    "SessionStoreFlushMode",
    "SessionStoreListEntry",
    "SessionSummaryEntry",
]
__all__ += _config_types.__all__
__all__ += _hooks.__all__
__all__ += messages.__all__
