"""Secret redaction for logs, reprs and error texts (a leaf: imports nothing from ccsdk).

A key is secret when its name contains KEY, TOKEN, SECRET, PASSWORD, PASSWD,
AUTHORIZATION, CREDENTIAL or COOKIE, in any case. :func:`redact_env` hides
the values of such keys, :func:`redact_argv` the values of such flags and of
such keys inside JSON arguments, and :func:`redact_text` every occurrence of
a secret variable's value in a text.

A session knows more secrets than the process environment holds: the values
the caller put only in ``options.env``, MCP servers' ``env`` and ``headers``,
and credentials inside an MCP server's URL. :class:`Redactor` masks exactly
those (:meth:`Redactor.for_options`), wherever text leaves the session: debug
logs of frames, the stderr tail in ``ProcessError``, and the lines a
``stderr`` callback receives.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

__all__ = [
    "REDACTED",
    "Redactor",
    "redact_argv",
    "redact_env",
    "frame_secrets",
    "redact_text",
    "session_secrets",
]

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


#: Shorter values are not masked: "1" or "true" would blank out whole logs.
_MIN_SECRET = 8

# Variables under ANTHROPIC_ that name a model or an endpoint, not a credential
# (a URL's own credentials are still found, see _url_secrets).
_ANTHROPIC_PLAIN = re.compile(r"ANTHROPIC_(.*_)?MODEL|ANTHROPIC_BASE_URL|ANTHROPIC_BETAS")


def _secret_name(name: str) -> bool:
    """Whether a variable of this name holds a secret: a secret-looking word,
    or ``ANTHROPIC_*`` (their keys, tokens and custom headers) but for model
    names and the base URL."""
    if _SECRET_KEY.search(name):
        return True
    upper = name.upper()
    return upper.startswith("ANTHROPIC_") and not _ANTHROPIC_PLAIN.fullmatch(upper)


def _url_secrets(value: str) -> list[str]:
    """The credentials inside a URL: user, password and every query value."""
    if "://" not in value:
        return []
    try:
        parts = urllib.parse.urlsplit(value)
        found = [part for part in (parts.username, parts.password) if part]
        found += [v for _, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=False)]
    except ValueError:
        return []
    # Both spellings: as written in the URL and decoded.
    return found + [urllib.parse.quote(v, safe="") for v in found]


def session_secrets(env: Any = None, mcp_servers: Any = None, settings: Any = None) -> set[str]:
    """The secret values one session holds.

    * ``env`` (``options.env``), and the ``env`` object of ``settings`` given
      as JSON text: the value of each secret-looking name (see
      :func:`_secret_name`), and credentials inside any URL value;
    * ``mcp_servers`` (a dict of configs, as in ``options.mcp_servers``):
      every value of a server's ``env`` and ``headers`` (they exist to carry
      credentials), and the credentials in its ``url``.

    Values the caller gave may be of any type: what is not a str is skipped.
    """
    found: set[str] = set()
    for variables in (env, _settings_env(settings)):
        if not isinstance(variables, Mapping):
            continue
        for name, value in _pairs(variables):
            if not isinstance(name, str) or not isinstance(value, str):
                continue
            if _secret_name(name):
                found.add(value)
            found.update(_url_secrets(value))
    if isinstance(mcp_servers, Mapping):
        for _, config in _pairs(mcp_servers):
            if not isinstance(config, Mapping):
                continue
            fields = dict(_pairs(config))
            for field in ("env", "headers"):
                values = fields.get(field)
                if isinstance(values, Mapping):
                    found.update(v for _, v in _pairs(values) if isinstance(v, str))
            url = fields.get("url")
            if isinstance(url, str):
                found.update(_url_secrets(url))
    return {value for value in found if len(value) >= _MIN_SECRET}


def _settings_env(settings: Any) -> Any:
    """The ``env`` object of ``options.settings`` when it is JSON text, else ``None``."""
    if not isinstance(settings, str) or '"env"' not in settings:
        return None
    try:
        loaded = json.loads(settings)
    except ValueError:
        return None
    return cast("Mapping[str, Any]", loaded).get("env") if isinstance(loaded, Mapping) else None


def frame_secrets(frame: str) -> set[str]:
    """The MCP credentials JSON frames carry (one a line): every str value
    of an ``env`` or ``headers`` object, and the credentials of a ``url``, at
    any depth. A line that is not JSON: none. Masking a few values too many in a debug log is
    the cheaper mistake."""
    if '"env"' not in frame and '"headers"' not in frame and '"url"' not in frame:
        return set()
    stack: list[Any] = []
    for line in frame.splitlines():  # one or more frames
        try:
            stack.append(json.loads(line))
        except ValueError:
            continue
    found: set[str] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(_items(item))
        elif isinstance(item, dict):
            for key, value in _pairs(item):
                if key in ("env", "headers") and isinstance(value, dict):
                    found.update(v for _, v in _pairs(value) if isinstance(v, str))
                elif key == "url" and isinstance(value, str):
                    found.update(_url_secrets(value))
                else:
                    stack.append(value)
    return {value for value in found if len(value) >= _MIN_SECRET}


class Redactor:
    """Masks a fixed set of secret values in any text.

    Each secret is also found as it is written inside JSON (a frame) and
    inside a Python ``repr`` (an event logged with ``%r``), where quotes,
    backslashes and non-ASCII characters are escaped. Longer secrets are
    tried first, so a secret that contains another is masked whole.
    """

    __slots__ = ("_pattern",)

    def __init__(self, secrets: Iterable[str]) -> None:
        spellings: set[str] = set()
        for secret in secrets:
            if len(secret) < _MIN_SECRET:
                continue
            spellings.add(secret)
            spellings.add(json.dumps(secret)[1:-1])
            spellings.add(json.dumps(secret, ensure_ascii=False)[1:-1])
            spellings.add(repr(secret)[1:-1])
        ordered = sorted(spellings, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    @classmethod
    def for_options(
        cls, options: Any, env: Mapping[str, str] | None = None, *, frame: str | None = None
    ) -> Redactor:
        """The redactor of a session run with ``options``.

        Its secrets: :func:`session_secrets` of ``options.env``,
        ``options.mcp_servers`` and ``options.settings``, the secret-looking variables of ``env``
        (the CLI's whole environment; ``os.environ`` when omitted), and,
        given a JSON ``frame`` about to be logged, the MCP credentials that
        frame carries itself (:func:`frame_secrets`: the servers of a
        ``mcp_set_servers`` request, say). Cheap enough to build per log
        call; build it once where lines are many.
        """
        secrets = session_secrets(
            getattr(options, "env", None),
            getattr(options, "mcp_servers", None),
            getattr(options, "settings", None),
        )
        source = os.environ if env is None else env
        secrets.update(value for key, value in source.items() if _secret_name(key))
        if frame is not None:
            secrets.update(frame_secrets(frame))
        return cls(secrets)

    def __call__(self, text: str) -> str:
        """``text`` with every secret replaced by ``<redacted>``."""
        if self._pattern is None:
            return text
        return self._pattern.sub(REDACTED, text)
