"""What the CLI asks the user through the SDK: MCP elicitations and dialogs.

Two of the CLI's control requests need a person (or a program standing in
for one):

* ``elicitation``: an MCP server the CLI runs asks a question mid-call (MCP
  ``elicitation/create``): a form to fill in, or a URL to visit. The CLI
  hands it to the SDK host; ``ClaudeCodeOptions.on_elicitation`` answers it
  with an :class:`ElicitationResult`. With no callback ccsdk answers
  ``{"action": "decline"}``, as the TypeScript SDK does, so the server
  hears a clear "no" instead of waiting.
* ``request_user_dialog``: the CLI wants one of its own dialogs shown (a
  kind such as ``"refusal_fallback_prompt"``). It sends only the kinds the
  host declared in ``ClaudeCodeOptions.supported_dialog_kinds``, and
  ``on_user_dialog`` answers with :class:`UserDialogCompleted` or
  :class:`UserDialogCancelled`. A dialog that arrives with no callback is
  answered ``{"behavior": "cancelled"}``. (The TypeScript SDK stays
  silent then, for hosts shared by several clients; ccsdk is the only
  client of its CLI, and silence would park the CLI until its deadline.)

Each callback runs in its own task. If the CLI withdraws the request
(``control_cancel_request``), the task is cancelled: ordinary trio/asyncio
cancellation, no signal object to poll.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, TypeAlias, cast

import attrs

from ccsdk.protocol.codec import encode_control
from ccsdk.protocol.control import ElicitationAnswer, UserDialogAnswer
from ccsdk.protocol.events import ElicitationRequest, UserDialogRequest

__all__ = [
    "ElicitationAction",
    "ElicitationRequest",
    "ElicitationResult",
    "OnElicitation",
    "OnUserDialog",
    "UserDialogCancelled",
    "UserDialogCompleted",
    "UserDialogRequest",
    "UserDialogResult",
    "elicitation_answer",
    "user_dialog_answer",
]

ElicitationAction: TypeAlias = Literal["accept", "decline", "cancel"]
_ACTIONS = ("accept", "decline", "cancel")


@attrs.frozen
class ElicitationResult:
    """The user's answer to an elicitation (MCP ``ElicitResult``).

    ``accept`` with ``content`` (the form's values, matching
    ``requested_schema``); ``decline`` (the user said no); ``cancel`` (the
    user dismissed it without choosing).
    """

    action: ElicitationAction
    content: dict[str, Any] | None = None

    def __attrs_post_init__(self) -> None:
        if self.action not in _ACTIONS:
            raise ValueError(
                f"ElicitationResult.action must be one of {', '.join(_ACTIONS)}, "
                f"not {self.action!r}"
            )
        content = cast(object, self.content)  # a callback's value, whatever its annotation
        if content is not None and not isinstance(content, dict):
            raise TypeError(
                "ElicitationResult.content must be a dict or None, "
                f"not {type(self.content).__name__}"
            )

    def to_wire(self) -> dict[str, Any]:
        return encode_control(ElicitationAnswer(self.action, self.content))


@attrs.frozen
class UserDialogCompleted:
    """The dialog was answered; ``result`` is the kind's answer (often a string choice)."""

    result: Any = None


@attrs.frozen
class UserDialogCancelled:
    """The dialog was dismissed; the CLI falls back to its no-dialog behaviour."""


UserDialogResult: TypeAlias = UserDialogCompleted | UserDialogCancelled

#: ``async def on_elicitation(request: ElicitationRequest) -> ElicitationResult``
#: (an MCP-shaped ``{"action": ..., "content": ...}`` dict is accepted too).
OnElicitation: TypeAlias = Callable[
    [ElicitationRequest], Awaitable["ElicitationResult | Mapping[str, Any]"]
]

#: ``async def on_user_dialog(request: UserDialogRequest) -> UserDialogResult``.
OnUserDialog: TypeAlias = Callable[[UserDialogRequest], Awaitable[UserDialogResult]]


def elicitation_answer(result: object) -> dict[str, Any]:
    """The wire answer for what an ``on_elicitation`` callback returned.

    Raises:
        TypeError: not an :class:`ElicitationResult` or a mapping.
        ValueError: a mapping whose ``action`` is not accept/decline/cancel.
    """
    if isinstance(result, ElicitationResult):
        return result.to_wire()
    if isinstance(result, Mapping):
        return ElicitationResult(result.get("action"), result.get("content")).to_wire()  # type: ignore[arg-type]
    raise TypeError(
        "on_elicitation must return an ElicitationResult (or a dict with 'action'), "
        f"not {type(result).__name__}"
    )


def user_dialog_answer(result: object) -> dict[str, Any]:
    """The wire answer for what an ``on_user_dialog`` callback returned.

    Raises:
        TypeError: not a :class:`UserDialogCompleted` or :class:`UserDialogCancelled`.
    """
    if isinstance(result, UserDialogCompleted):
        return encode_control(UserDialogAnswer("completed", result.result))
    if isinstance(result, UserDialogCancelled):
        return encode_control(UserDialogAnswer("cancelled"))
    raise TypeError(
        "on_user_dialog must return UserDialogCompleted or UserDialogCancelled, "
        f"not {type(result).__name__}"
    )
