"""ccsdk on trio: the patterns of docs/trio.md, runnable.

    python examples/trio_guide.py

It uses the ``claude`` on your PATH (or ``CCSDK_CLI_PATH``) and your
credentials; ``tests/test_guide_examples.py`` runs it offline against
``ccsdk.testing.FakeModel``. Four parts, in order:

1. a turn bounded with ``trio.move_on_after``: the turn is interrupted, and
   the same client answers the next prompt;
2. three sessions at once, one task each, in a nursery of ours;
3. ``break`` out of ``query()`` after the first answer;
4. what an error looks like: one typed exception, no exception group.
"""

from __future__ import annotations

from contextlib import aclosing

import trio

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    CLINotFoundError,
    Message,
    ResultMessage,
    TextBlock,
    open_session,
    query,
)

TURN_TIMEOUT = 2.0  # seconds; the first prompt asks for more than that


def text_of(message: Message) -> str:
    if not isinstance(message, AssistantMessage):
        return ""
    return "".join(b.text for b in message.content if isinstance(b, TextBlock))


async def bounded_turn(options: ClaudeCodeOptions) -> None:
    async with ClaudeSDKClient(options) as client:
        await client.query("Write a 2,000-word story about a lighthouse.")
        with trio.move_on_after(TURN_TIMEOUT) as scope:
            async for _message in client.receive_response():
                pass  # a real program would show the text as it comes
        if scope.cancelled_caught:
            print(f"1. no answer within {TURN_TIMEOUT} s: the turn was interrupted")
        # The cancelled turn was interrupted and its leftovers dropped:
        # the client is ready for the next prompt.
        await client.query("In one word: what colour is the sky?")
        async for message in client.receive_response():
            if text_of(message):
                print(f"1. next turn: {text_of(message)}")


async def three_at_once(options: ClaudeCodeOptions) -> None:
    answers: dict[int, str] = {}

    async def ask(n: int) -> None:
        async with open_session(options) as session:  # its own nursery, inside ours
            await session.send(f"Session {n}: name a fruit, in one word.")
            async for message in session.receive_response():
                answers[n] = answers.get(n, "") + text_of(message)

    async with trio.open_nursery() as nursery:
        for n in range(3):
            nursery.start_soon(ask, n)
    for n in sorted(answers):
        print(f"2. session {n}: {answers[n]}")


async def first_answer_only(options: ClaudeCodeOptions) -> None:
    # aclosing() ends the generator (and the CLI) at the break, not at GC.
    async with aclosing(query(prompt="Say hello.", options=options)) as messages:
        async for message in messages:
            if text_of(message):
                print(f"3. first answer: {text_of(message)}")
                break
            if isinstance(message, ResultMessage):
                break


async def what_an_error_looks_like() -> None:
    try:
        async with open_session(ClaudeCodeOptions(cli_path="/nonexistent/claude")):
            pass
    except CLINotFoundError as exc:  # not an ExceptionGroup
        print(f"4. {type(exc).__name__}: {exc}")


async def main() -> None:
    options = ClaudeCodeOptions(max_turns=1)
    await bounded_turn(options)
    await three_at_once(options)
    await first_answer_only(options)
    await what_an_error_looks_like()


if __name__ == "__main__":
    trio.run(main)
