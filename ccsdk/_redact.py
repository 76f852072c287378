"""Secret redaction for logs, reprs and error texts (a leaf: imports nothing from ccsdk).

A key is secret when its name contains KEY, TOKEN, SECRET, PASSWORD, PASSWD,
AUTHORIZATION, CREDENTIAL or COOKIE, in any case. :func:`redact_env` hides
the values of such keys, :func:`redact_argv` the values of such flags and of
such keys inside JSON arguments, and :func:`redact_text` every occurrence of
a secret variable's value in a text.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["REDACTED", "redact_argv", "redact_env", "redact_text"]

REDACTED = "<redacted>"

# A key is secret when its name contains one of these words, any case.
_SECRET_KEY = re.compile(
    r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|AUTHORIZATION|CREDENTIAL|COOKIE", re.IGNORECASE
)


def redact_env(env: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of ``env`` with the values of secret-looking keys hidden.

    A key is secret when its name contains KEY, TOKEN, SECRET, PASSWORD,
    PASSWD, AUTHORIZATION, CREDENTIAL or COOKIE, in any case.
    """
    return {k: REDACTED if _SECRET_KEY.search(k) else v for k, v in env.items()}


def redact_argv(argv: Sequence[str]) -> list[str]:
    """Return a copy of ``argv`` that is safe to log.

    Hides the value of a secret-looking flag (``--api-key=...``, or the
    argument after ``--api-key``), and secret-looking keys inside JSON values
    such as ``--mcp-config`` (server ``env`` and ``headers``) or ``--settings``.
    """
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            hide_next = False
            if not arg.startswith("-"):
                out.append(REDACTED)
                continue
        if arg.startswith("-"):
            name, eq, value = arg.partition("=")
            if _SECRET_KEY.search(name):
                if eq:
                    out.append(f"{name}={REDACTED}")
                else:
                    out.append(arg)
                    hide_next = True
                continue
            if eq:
                out.append(f"{name}={_redact_json_text(value)}")
                continue
        out.append(_redact_json_text(arg))
    return out


def _redact_json_text(text: str) -> str:
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return text
    redacted = _redact_json(data)
    if redacted == data:
        return text
    return json.dumps(redacted, separators=(",", ":"))


def _redact_json(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: REDACTED if isinstance(k, str) and _SECRET_KEY.search(k) else _redact_json(v)
            for k, v in _pairs(data)
        }
    if isinstance(data, list):
        return [_redact_json(v) for v in _items(data)]
    return data


def _items(sequence: Any) -> list[Any]:
    """The items of a list of values not yet checked."""
    return list(sequence)


def _pairs(mapping: Any) -> list[tuple[Any, Any]]:
    """The items of a mapping of values not yet checked (JSON, or a caller's dict)."""
    return [(key, mapping[key]) for key in mapping]


def redact_text(text: str, env: Mapping[str, str] | None = None) -> str:
    """``text`` with the values of secret-looking variables replaced, for logs.

    The values come from ``env`` (``os.environ`` when omitted): an API key
    that reached a frame or a stderr line is masked wherever it appears.
    """
    source = os.environ if env is None else env
    for key, value in source.items():
        if len(value) >= 8 and _SECRET_KEY.search(key) and value in text:
            text = text.replace(value, REDACTED)
    return text
