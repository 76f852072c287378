"""``InMemorySessionStore`` against the conformance suite and the store-level faults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import ccsdk
from ccsdk import InvalidSessionKeyError, MalformedEntryError
from ccsdk.testing import run_session_store_conformance

Runner = Callable[[Callable[[], Any]], Any]


def test_conformance(run: Runner) -> None:
    run(lambda: run_session_store_conformance(ccsdk.InMemorySessionStore))


def test_bad_keys_and_entries_are_refused(run: Runner) -> None:
    store = ccsdk.InMemorySessionStore()

    async def main() -> None:
        with pytest.raises(InvalidSessionKeyError):
            await store.append({"project_key": "a/b", "session_id": "s"}, [{"type": "x"}])
        with pytest.raises(MalformedEntryError):
            await store.append({"project_key": "a", "session_id": "s"}, [{"no": "type"}])  # type: ignore[list-item]
        assert store.size == 0

    run(main)
