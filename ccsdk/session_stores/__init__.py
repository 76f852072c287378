"""Session stores: where transcripts are mirrored to, and resumed from.

The protocol (:class:`~ccsdk.SessionStore` and its ``TypedDict`` s) is in
:mod:`ccsdk._store_types`; this package holds the stores ccsdk ships:

* :class:`InMemorySessionStore`, the reference (``_memory``);
* :class:`SQLiteSessionStore`, the embedded default (``_sqlite``, standard library);
* :class:`PostgresSessionStore` (``_postgres``, extra ``ccsdk[postgres]``);
* :class:`RedisSessionStore` (``_redis``, extra ``ccsdk[redis]``);
* :class:`S3SessionStore` (``_s3``, extra ``ccsdk[s3]``);

and the session functions on a store (``_sessions``): ``list_sessions_from_store``
and the other ``*_from_store`` / ``*_via_store`` functions, ``import_session_to_store``.

Importing this package (and so ``import ccsdk``) loads no driver: each store
imports its own the first time it connects; the adapters' and the session
functions' modules are themselves loaded on first use of one of their names.
Every blocking driver call runs in a worker thread (``anyio.to_thread``), so
the stores work on trio and asyncio alike. ``docs/session-stores.md``
documents each one's layout, ordering, retention and production checklist.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ccsdk.session_stores._memory import InMemorySessionStore

if TYPE_CHECKING:
    from ccsdk.session_stores._postgres import PostgresSessionStore
    from ccsdk.session_stores._redis import RedisSessionStore
    from ccsdk.session_stores._s3 import S3SessionStore
    from ccsdk.session_stores._sessions import (
        delete_session_via_store,
        fork_session_via_store,
        get_session_info_from_store,
        get_session_messages_from_store,
        get_subagent_messages_from_store,
        import_session_to_store,
        list_sessions_from_store,
        list_subagents_from_store,
        rename_session_via_store,
        tag_session_via_store,
    )
    from ccsdk.session_stores._sqlite import SQLiteSessionStore

#: Where each name loaded on first use lives: the adapters and the session
#: functions cost `import ccsdk` several milliseconds it need not pay up front.
LAZY: dict[str, str] = {
    "PostgresSessionStore": "_postgres",
    "RedisSessionStore": "_redis",
    "S3SessionStore": "_s3",
    "SQLiteSessionStore": "_sqlite",
    **dict.fromkeys(
        [
            "delete_session_via_store",
            "fork_session_via_store",
            "get_session_info_from_store",
            "get_session_messages_from_store",
            "get_subagent_messages_from_store",
            "import_session_to_store",
            "list_sessions_from_store",
            "list_subagents_from_store",
            "rename_session_via_store",
            "tag_session_via_store",
        ],
        "_sessions",
    ),
}


def __getattr__(name: str) -> Any:
    module = LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ccsdk.session_stores' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ccsdk.session_stores.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "InMemorySessionStore",
    "PostgresSessionStore",
    "RedisSessionStore",
    "S3SessionStore",
    "SQLiteSessionStore",
    "delete_session_via_store",
    "fork_session_via_store",
    "get_session_info_from_store",
    "get_session_messages_from_store",
    "get_subagent_messages_from_store",
    "import_session_to_store",
    "list_sessions_from_store",
    "list_subagents_from_store",
    "rename_session_via_store",
    "tag_session_via_store",
]
