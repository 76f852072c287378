"""Session stores: where transcripts are mirrored to, and resumed from.

The protocol (:class:`~ccsdk.SessionStore` and its ``TypedDict`` s) is in
:mod:`ccsdk._store_types`; this package holds the stores ccsdk ships:

* :class:`InMemorySessionStore`, the reference (``_memory``).

Importing this package (and so ``import ccsdk``) loads no driver: each store
imports its own the first time it connects. Every blocking driver call runs
in a worker thread (``anyio.to_thread``), so the stores work on trio and
asyncio alike. ``docs/session-stores.md`` documents each one's layout,
ordering, retention and production checklist.
"""

from ccsdk.session_stores._memory import InMemorySessionStore

__all__ = [
    "InMemorySessionStore",
]
