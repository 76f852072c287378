"""Joining partial-message deltas, with the CLI's abandoned_blocks withdrawals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ccsdk import AssistantMessage, ClaudeCodeOptions, StreamEvent, TextBlock, query
from ccsdk.protocol.codec import decode_message
from ccsdk.protocol.partial import PartialMessageAssembler
from ccsdk.testing import FakeModel, Turn, text
from tests.conftest import Runner


def ev(event: dict[str, Any], message_id: str = "msg_1", **extra: Any) -> StreamEvent:
    """The StreamEvent of a frame (``api_message_id`` is read from the raw frame)."""
    frame = {"type": "stream_event", "uuid": "u", "session_id": "s", "event": event}
    message = decode_message({**frame, "api_message_id": message_id, **extra})
    assert isinstance(message, StreamEvent)
    return message


def delta(index: int, piece: str, message_id: str = "msg_1") -> StreamEvent:
    return ev(
        {
            "type": "content_block_delta",
            "index": index,
            "delta": {"type": "text_delta", "text": piece},
        },
        message_id,
    )


def test_deltas_join_into_blocks() -> None:
    joined = PartialMessageAssembler()
    joined.feed(ev({"type": "message_start", "message": {"id": "msg_1"}}))
    joined.feed(
        ev(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "thinking", "thinking": ""},
            }
        )
    )
    joined.feed(
        ev(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "thinking_delta", "thinking": "hm"},
            }
        )
    )
    joined.feed(
        ev(
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {"type": "text", "text": ""},
            }
        )
    )
    joined.feed(delta(1, "Here "))
    joined.feed(delta(1, "is  it"))
    joined.feed(
        ev(
            {
                "type": "content_block_start",
                "index": 2,
                "content_block": {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}},
            }
        )
    )
    joined.feed(
        ev(
            {
                "type": "content_block_delta",
                "index": 2,
                "delta": {"type": "input_json_delta", "partial_json": '{"command": '},
            }
        )
    )
    joined.feed(
        ev(
            {
                "type": "content_block_delta",
                "index": 2,
                "delta": {"type": "input_json_delta", "partial_json": '"ls"}'},
            }
        )
    )
    joined.feed(ev({"type": "content_block_stop", "index": 2}))
    assert joined.text() == "Here is  it"
    thinking, answer, tool = joined.blocks
    assert (thinking.type, thinking.text) == ("thinking", "hm")
    assert tool.text == '{"command": "ls"}' and tool.start["name"] == "Bash" and tool.complete
    assert not answer.complete


def test_abandoned_blocks_are_withdrawn() -> None:
    joined = PartialMessageAssembler()
    joined.feed(ev({"type": "message_start", "message": {"id": "msg_1"}}))
    for index in (0, 1):
        joined.feed(
            ev(
                {
                    "type": "content_block_start",
                    "index": index,
                    "content_block": {"type": "text", "text": ""},
                }
            )
        )
        joined.feed(delta(index, f"block{index} "))
    joined.feed(
        ev(
            {"type": "message_stop"},
            abandoned_blocks={"api_message_id": "msg_1", "from_block_index": 1},
        )
    )
    assert joined.text() == "block0 "
    assert joined.abandoned == [("msg_1", 1)]


@pytest.mark.e2e
def test_a_broken_stream_withdraws_what_was_streamed(
    run: Runner, fake_model: FakeModel, e2e_options: Callable[..., ClaudeCodeOptions]
) -> None:
    # The stream breaks after a few events; the CLI re-asks unstreamed and
    # uses that answer. The text that did stream must not be shown as final.
    fake_model.add_turns(
        Turn([text("THIS WILL BE CUT OFF " * 20)], chunk_size=10, stream_error_after=6),
        Turn([text("The complete answer.")]),
    )

    async def main() -> tuple[PartialMessageAssembler, list[str]]:
        joined = PartialMessageAssembler()
        final: list[str] = []
        options = e2e_options(include_partial_messages=True)
        async for message in query(prompt="hi", options=options):
            if isinstance(message, StreamEvent):
                joined.feed(message)
            elif isinstance(message, AssistantMessage):
                final.extend(b.text for b in message.content if isinstance(b, TextBlock))
        return joined, final

    joined, final = run(main)
    assert final == ["The complete answer."]
    assert joined.abandoned, "the CLI marked the streamed block as abandoned"
    assert "CUT OFF" not in joined.text()
