"""ccsdk's sans-IO core: the Claude Code stream-json protocol with no I/O at all.

Bytes from the CLI's stdout go into :meth:`Connection.receive_data`; events
come out of :meth:`Connection.next_event`; the ``send_*`` methods return the
bytes to write to its stdin. Nothing here reads, writes, sleeps, spawns or
draws random numbers, so any runtime can drive it: ccsdk's own (trio or
asyncio through anyio), a blocking loop on :mod:`subprocess`, or another.
"""

from typing import TYPE_CHECKING, Any

from ccsdk.protocol.codec import decode_message, encode_message
from ccsdk.protocol.connection import Connection, Event
from ccsdk.protocol.errors import (
    ClaudeSDKError,
    CLIJSONDecodeError,
    ConnectionClosedError,
    ControlRequestError,
    LineTooLongError,
    LocalProtocolError,
    MessageParseError,
    ProtocolError,
    RemoteProtocolError,
)
from ccsdk.protocol.events import (
    NEED_DATA,
    CanUseToolRequest,
    ControlCancelled,
    ControlFailed,
    ControlSucceeded,
    ElicitationRequest,
    EndOfOutput,
    HookCallbackRequest,
    IncomingRequest,
    McpMessageRequest,
    StrayControlResponse,
    UnknownControlRequest,
    UserDialogRequest,
)
from ccsdk.protocol.framing import DEFAULT_MAX_LINE_BYTES, LineBuffer
from ccsdk.protocol.messages import (
    TERMINAL_TASK_STATUSES,
    ApiRetryInfo,
    AssistantMessage,
    AuthStatusMessage,
    ContentBlock,
    ConversationResetMessage,
    DeferredToolUse,
    HookEventMessage,
    HookProgressInfo,
    HookResponseInfo,
    HookStartedInfo,
    ImageBlock,
    InitInfo,
    Message,
    MirrorErrorMessage,
    PermissionDeniedInfo,
    PromptSuggestionMessage,
    RateLimitEvent,
    RateLimitInfo,
    RedactedThinkingBlock,
    ResultMessage,
    ServerToolResultBlock,
    ServerToolUseBlock,
    SessionStateInfo,
    StatusInfo,
    StreamEvent,
    SystemMessage,
    TaskNotificationMessage,
    TaskProgressMessage,
    TaskStartedMessage,
    TaskUpdatedMessage,
    TaskUsage,
    TextBlock,
    ThinkingBlock,
    ToolProgressMessage,
    ToolResultBlock,
    ToolUseBlock,
    ToolUseSummaryMessage,
    UnknownBlock,
    UnknownMessage,
    UserMessage,
)
from ccsdk.protocol.partial import PartialMessageAssembler
from ccsdk.protocol.states import OurState, TheirState

if TYPE_CHECKING:
    from ccsdk.protocol.codec import converter


def __getattr__(name: str) -> Any:
    """``converter`` on first access: it imports cattrs, which ``import ccsdk`` does not."""
    if name == "converter":
        from ccsdk.protocol import codec

        return codec.converter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "NEED_DATA",
    "DEFAULT_MAX_LINE_BYTES",
    "CanUseToolRequest",
    "ClaudeSDKError",
    "CLIJSONDecodeError",
    "Connection",
    "ConnectionClosedError",
    "ControlCancelled",
    "ControlFailed",
    "ControlRequestError",
    "ControlSucceeded",
    "ElicitationRequest",
    "EndOfOutput",
    "Event",
    "HookCallbackRequest",
    "IncomingRequest",
    "LineBuffer",
    "LineTooLongError",
    "LocalProtocolError",
    "McpMessageRequest",
    "MessageParseError",
    "OurState",
    "PartialMessageAssembler",
    "ProtocolError",
    "RemoteProtocolError",
    "StrayControlResponse",
    "TheirState",
    "UnknownControlRequest",
    "UserDialogRequest",
    "converter",
    "decode_message",
    "encode_message",
    "TERMINAL_TASK_STATUSES",
    "ApiRetryInfo",
    "AssistantMessage",
    "AuthStatusMessage",
    "ContentBlock",
    "ConversationResetMessage",
    "DeferredToolUse",
    "HookEventMessage",
    "HookProgressInfo",
    "HookResponseInfo",
    "HookStartedInfo",
    "ImageBlock",
    "InitInfo",
    "Message",
    "MirrorErrorMessage",
    "PermissionDeniedInfo",
    "PromptSuggestionMessage",
    "RateLimitEvent",
    "RateLimitInfo",
    "RedactedThinkingBlock",
    "ResultMessage",
    "ServerToolResultBlock",
    "ServerToolUseBlock",
    "SessionStateInfo",
    "StatusInfo",
    "StreamEvent",
    "SystemMessage",
    "TaskNotificationMessage",
    "TaskProgressMessage",
    "TaskStartedMessage",
    "TaskUpdatedMessage",
    "TaskUsage",
    "TextBlock",
    "ThinkingBlock",
    "ToolProgressMessage",
    "ToolResultBlock",
    "ToolUseBlock",
    "ToolUseSummaryMessage",
    "UnknownBlock",
    "UnknownMessage",
    "UserMessage",
]
