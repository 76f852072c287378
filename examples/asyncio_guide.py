"""ccsdk on asyncio: the patterns of docs/asyncio.md, runnable.

    python examples/asyncio_guide.py

It uses the ``claude`` on your PATH (or ``CCSDK_CLI_PATH``) and your
credentials; ``tests/test_guide_examples.py`` runs it offline against
``ccsdk.testing.FakeModel``. Four parts, in order:

1. a turn bounded with ``asyncio.timeout``: the turn is interrupted, and the
   same client answers the next prompt;
2. three sessions at once in an ``asyncio.TaskGroup``;
3. ``task.cancel()`` on a task that is iterating ``query()``: the CLI is
   torn down before the task ends;
4. what an error looks like: one typed exception, no exception group.
"""

from __future__ import annotations

import asyncio

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    CLINotFoundError,
    Message,
    TextBlock,
    open_session,
    query,
)

TURN_TIMEOUT = 2.0  # seconds; the long prompts ask for more than that


def text_of(message: Message) -> str:
    if not isinstance(message, AssistantMessage):
        return ""
    return "".join(b.text for b in message.content if isinstance(b, TextBlock))


async def bounded_turn(options: ClaudeCodeOptions) -> None:
    async with ClaudeSDKClient(options) as client:
        await client.query("Write a 2,000-word story about a lighthouse.")
        try:
            async with asyncio.timeout(TURN_TIMEOUT):
                async for _message in client.receive_response():
                    pass  # a real program would show the text as it comes
        except TimeoutError:
            print(f"1. no answer within {TURN_TIMEOUT} s: the turn was interrupted")
        await client.query("In one word: what colour is the sky?")
        async for message in client.receive_response():
            if text_of(message):
                print(f"1. next turn: {text_of(message)}")


async def three_at_once(options: ClaudeCodeOptions) -> None:
    async def ask(n: int) -> str:
        async with open_session(options) as session:
            await session.send(f"Session {n}: name a fruit, in one word.")
            return "".join([text_of(m) async for m in session.receive_response()])

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(ask(n)) for n in range(3)]
    for n, task in enumerate(tasks):
        print(f"2. session {n}: {task.result()}")


async def cancel_a_task(options: ClaudeCodeOptions) -> None:
    started = asyncio.Event()

    async def consume() -> None:
        async for _message in query(prompt="Write a 2,000-word story.", options=options):
            started.set()

    task = asyncio.create_task(consume())
    await started.wait()  # the CLI runs and the turn has begun
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("3. cancelled; the CLI has been stopped and reaped")


async def what_an_error_looks_like() -> None:
    try:
        async with open_session(ClaudeCodeOptions(cli_path="/nonexistent/claude")):
            pass
    except CLINotFoundError as exc:  # not an ExceptionGroup
        print(f"4. {type(exc).__name__}: {exc}")


async def main() -> None:
    # close_timeout: how long a torn-down CLI gets after stdin closes, and
    # again after SIGTERM; a query() cancelled mid-turn waits out the first.
    options = ClaudeCodeOptions(max_turns=1, close_timeout=2.0)
    await bounded_turn(options)
    await three_at_once(options)
    await cancel_a_task(options)
    await what_an_error_looks_like()


if __name__ == "__main__":
    asyncio.run(main())
