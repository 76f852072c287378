"""Checks for the option values added after ``claude_code_sdk`` 0.0.25.

Each checker takes the field's name and its value; it runs when
``ClaudeAgentOptions`` or ``ClaudeCodeOptions`` is built (``replace()``
included) and on every assignment, so a bad value fails with ``TypeError`` (wrong
kind of value) or ``ValueError`` (right kind, bad value) naming the field,
before any process starts. This matters more than for the older fields:
CLI 2.1.331 silently ignores much of what is wrong here (an ``effort`` it
does not know, a subagent with no ``prompt``, an invalid schema sent in
``initialize``), and the run then goes on without what was asked for.

:func:`check_combinations` checks the rules that span fields; it runs after
construction and again when the command line is built, since fields can be
assigned one at a time.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast, get_args

from ccsdk._config_types import (
    PERMISSION_MODES,
    EffortLevel,
    SdkBeta,
    SettingSource,
    ThinkingDisplay,
)
from ccsdk._store_types import implements

if TYPE_CHECKING:
    from ccsdk._options import Options

__all__ = [
    "AGENT_KEYS",
    "BETAS",
    "EFFORT_LEVELS",
    "MIN_MAX_LINE_BYTES",
    "SETTING_SOURCES",
    "THINKING_DISPLAYS",
    "agent_wire_dict",
    "check_agents",
    "check_betas",
    "check_bool",
    "check_client_app",
    "check_combinations",
    "check_dialog_kinds",
    "check_effort",
    "check_line_bound",
    "check_max_budget_usd",
    "check_max_turns",
    "check_mcp_servers",
    "check_non_negative_int",
    "check_optional_callable",
    "check_optional_str",
    "check_output_format",
    "check_permission_mode",
    "check_plugins",
    "check_resume_point",
    "check_sandbox",
    "check_seconds",
    "check_session_id",
    "check_session_store",
    "check_session_store_flush",
    "check_setting_sources",
    "check_skills",
    "check_str_list",
    "check_system_prompt",
    "check_task_budget",
    "check_thinking",
    "check_tool_aliases",
    "check_tools",
]

EFFORT_LEVELS: tuple[str, ...] = get_args(EffortLevel)
BETAS: tuple[str, ...] = get_args(SdkBeta)
SETTING_SOURCES: tuple[str, ...] = get_args(SettingSource)
THINKING_DISPLAYS: tuple[str, ...] = get_args(ThinkingDisplay)

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _kind(value: Any) -> str:
    return type(value).__name__


def _as_dict(value: Any) -> Mapping[str, Any] | None:
    """``value`` typed as a mapping, or ``None`` if it is not one."""
    return cast("Mapping[str, Any]", value) if isinstance(value, Mapping) else None


def _as_list(value: Any) -> list[Any] | None:
    """A list or tuple as a list; ``None`` for anything else (a str included)."""
    if isinstance(value, (list, tuple)):
        return list(cast("Sequence[Any]", value))
    return None


def _pairs(value: Any) -> list[tuple[Any, Any]]:
    """The items of a mapping whose keys are not yet known to be str."""
    return [(key, value[key]) for key in value]


def _is_str_list(value: Any) -> bool:
    items = _as_list(value)
    return items is not None and all(isinstance(v, str) for v in items)


def _one_of(field: str, value: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, one of {', '.join(allowed)}; not {_kind(value)}")
    if value not in allowed:
        raise ValueError(f"{field} {value!r} is not one of: {', '.join(allowed)}")


def _only_keys(field: str, value: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise ValueError(
            f"{field} has unknown key(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(allowed))}"
        )


def _opt_bool(field: str, value: Mapping[str, Any], key: str) -> None:
    if key in value and not isinstance(value[key], bool):
        raise TypeError(f"{field}[{key!r}] must be a bool, not {_kind(value[key])}")


def _path(field: str, value: Any) -> None:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{field} must be a str or path, not {_kind(value)}")
    if not os.fspath(value):
        raise ValueError(f"{field} must not be empty")


def _json(field: str, value: Any) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{field} must be JSON-serialisable: {exc}") from None


# ---- simple values ------------------------------------------------------------


def check_bool(name: str, value: Any) -> None:
    """A bool, not a truthy string such as ``"false"``."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {_kind(value)} ({value!r})")


def check_optional_str(name: str, value: Any) -> None:
    """``None`` or a non-empty str."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {_kind(value)}")
    if not value:
        raise ValueError(f"{name} must not be empty (use None for the default)")


def check_max_budget_usd(name: str, value: Any) -> None:
    """``None`` or a finite number of dollars above 0 (the CLI refuses 0)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"max_budget_usd must be a number of dollars or None, not {value!r}")
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"max_budget_usd must be a finite amount > 0, not {value}")


def check_effort(name: str, value: Any) -> None:
    """``None`` or an effort level (the CLI ignores any other value silently)."""
    if value is not None:
        _one_of("effort", value, EFFORT_LEVELS)


def check_betas(name: str, value: Any) -> None:
    """A list of the betas the CLI lets through (it drops others with a warning)."""
    items = _as_list(value)
    if items is None:
        raise TypeError(f"betas must be a list, not {_kind(value)} ({value!r})")
    for beta in items:
        _one_of("betas entry", beta, BETAS)


def check_setting_sources(name: str, value: Any) -> None:
    """``None`` (the CLI's default: all) or a list of user / project / local."""
    if value is None:
        return
    items = _as_list(value)
    if items is None:
        raise TypeError(f"setting_sources must be a list or None, not {_kind(value)} ({value!r})")
    for source in items:
        _one_of("setting_sources entry", source, SETTING_SOURCES)


def check_session_id(name: str, value: Any) -> None:
    """``None`` or a UUID, the only form the CLI accepts."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"session_id must be a str or None, not {_kind(value)}")
    if not _UUID.fullmatch(value):
        raise ValueError(
            f"session_id must be a UUID (the CLI accepts no other form), not {value!r}"
        )


def check_tool_aliases(name: str, value: Any) -> None:
    """``None`` or a dict from the name the model calls to the tool that runs."""
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise TypeError(f"tool_aliases must be a dict of str to str, not {_kind(value)}")
    for alias, target in _pairs(value):
        if not isinstance(alias, str) or not isinstance(target, str):
            raise TypeError(f"tool_aliases must map str to str; got {alias!r}: {target!r}")
        if not alias or not target:
            raise ValueError(f"tool_aliases names must not be empty; got {alias!r}: {target!r}")


# ---- structured values ----------------------------------------------------------

_PRESET_KEYS = frozenset({"type", "preset", "append", "exclude_dynamic_sections", "snapshot"})
_CUSTOM_KEYS = frozenset({"type", "prompt", "snapshot"})
_FILE_KEYS = frozenset({"type", "path"})


def check_system_prompt(name: str, value: Any) -> None:
    """``None``, a str, or a preset / custom / file dict."""
    if value is None or isinstance(value, str):
        return
    prompt = _as_dict(value)
    if prompt is None:
        raise TypeError(
            "system_prompt must be a str, a {'type': 'preset' | 'custom' | 'file', ...} dict "
            f"or None, not {_kind(value)}"
        )
    _check_prompt_dict(prompt)


def _check_prompt_dict(value: Mapping[str, Any]) -> None:
    kind = value.get("type")
    if kind == "preset":
        _only_keys("system_prompt", value, _PRESET_KEYS)
        if value.get("preset") != "claude_code":
            raise ValueError(
                f"system_prompt preset must be 'claude_code', not {value.get('preset')!r}"
            )
        if "append" in value and not isinstance(value["append"], str):
            raise TypeError(f"system_prompt['append'] must be a str, not {_kind(value['append'])}")
        _opt_bool("system_prompt", value, "exclude_dynamic_sections")
        _opt_bool("system_prompt", value, "snapshot")
    elif kind == "custom":
        _only_keys("system_prompt", value, _CUSTOM_KEYS)
        if not isinstance(value.get("prompt"), str):
            raise TypeError("system_prompt of type 'custom' needs a str 'prompt'")
        _opt_bool("system_prompt", value, "snapshot")
    elif kind == "file":
        _only_keys("system_prompt", value, _FILE_KEYS)
        _path("system_prompt['path']", value.get("path"))
    else:
        raise ValueError(
            f"system_prompt type {kind!r} is not one of: preset, custom, file "
            "(or pass the prompt as a str)"
        )


def check_tools(name: str, value: Any) -> None:
    """``None``, a list of built-in tool names (``[]``: none), or the preset."""
    if value is None:
        return
    preset = _as_dict(value)
    if preset is not None:
        if dict(preset) != {"type": "preset", "preset": "claude_code"}:
            raise ValueError(
                f"tools preset must be {{'type': 'preset', 'preset': 'claude_code'}}, not {value!r}"
            )
        return
    names = _as_list(value)
    if names is None or not _is_str_list(names):
        raise TypeError(f"tools must be a list of str, the preset dict or None, not {value!r}")
    for name in names:
        if not name or "," in name:
            raise ValueError(f"tools entry {name!r}: a tool name, not empty, with no comma")


_AGENT_LISTS = ("tools", "disallowedTools", "skills")
_AGENT_STRS = ("model", "initialPrompt")
_AGENT_BOOLS = ("background", "omitClaudeMd")
_AGENT_POSITIVE_INTS = ("maxTurns", "autoCompactWindow")
#: The ``AgentDefinition`` keys ccsdk sends; CLI 2.1.331 ignores unknown ones.
AGENT_KEYS = frozenset(
    {
        "description",
        "prompt",
        *_AGENT_LISTS,
        *_AGENT_STRS,
        *_AGENT_BOOLS,
        *_AGENT_POSITIVE_INTS,
        "memory",
        "mcpServers",
        "effort",
        "permissionMode",
    }
)


def agent_wire_dict(agent: Any, *, keep_none: bool = False) -> dict[str, Any]:
    """An ``AgentDefinition`` (or, as older ccsdk took it, a dict) as its wire dict.

    ``None`` values are dropped unless ``keep_none``: the CLI reads a key
    that is present as set.
    """
    if dataclasses.is_dataclass(agent) and not isinstance(agent, type):
        items = {f.name: getattr(agent, f.name) for f in dataclasses.fields(agent)}
    else:
        items = dict(cast("Mapping[str, Any]", agent))
    return {k: v for k, v in items.items() if keep_none or v is not None}


def check_agents(name: str, value: Any) -> None:
    """``None`` or a dict of name -> ``AgentDefinition`` (see its docstring)."""
    if value is None:
        return
    agents = _as_dict(value)
    if agents is None:
        raise TypeError(f"agents must be a dict of name to AgentDefinition, not {_kind(value)}")
    for agent_name, agent in agents.items():
        _check_agent(agent_name, agent)


def _check_agent(name: Any, value: Any) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"agents keys must be non-empty str names, not {name!r}")
    field = f"agents[{name!r}]"
    agent = _as_dict(value)
    if agent is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        agent = agent_wire_dict(value, keep_none=True)
    if agent is None:
        raise TypeError(f"{field} must be an AgentDefinition, not {_kind(value)}")
    _only_keys(field, agent, AGENT_KEYS)
    for key in ("description", "prompt"):
        if not isinstance(agent.get(key), str):
            raise TypeError(f"{field} needs a str {key!r}")
    if not agent["description"]:
        raise ValueError(f"{field}['description'] must not be empty: the model picks by it")
    for key, item in agent.items():
        if item is None:
            continue  # None means "not set": dropped from the wire
        where = f"{field}[{key!r}]"
        if key in _AGENT_LISTS and not _is_str_list(item):
            raise TypeError(f"{where} must be a list of str, not {item!r}")
        if key in _AGENT_STRS and not isinstance(item, str):
            raise TypeError(f"{where} must be a str, not {_kind(item)}")
        if key in _AGENT_BOOLS and not isinstance(item, bool):
            raise TypeError(f"{where} must be a bool, not {_kind(item)}")
        if key in _AGENT_POSITIVE_INTS:
            if isinstance(item, bool) or not isinstance(item, int):
                raise TypeError(f"{where} must be an int, not {_kind(item)}")
            if item < 1:
                raise ValueError(f"{where} must be >= 1, not {item}")
        if key == "memory":
            _one_of(where, item, ("user", "project", "local"))
        if key == "permissionMode":
            _one_of(where, item, PERMISSION_MODES)
        if key == "effort" and not (isinstance(item, int) and not isinstance(item, bool)):
            _one_of(where, item, EFFORT_LEVELS)
        if key == "mcpServers":
            servers = _as_list(item)
            if servers is None or not all(isinstance(s, (str, Mapping)) for s in servers):
                raise TypeError(f"{where} must be a list of server names or configs, not {item!r}")
            _json(where, servers)


def check_thinking(name: str, value: Any) -> None:
    """``None`` or ``{"type": "adaptive" | "enabled" | "disabled", ...}``."""
    if value is None:
        return
    thinking = _as_dict(value)
    if thinking is None:
        raise TypeError(f"thinking must be a dict such as {{'type': 'adaptive'}}, not {value!r}")
    _check_thinking_dict(thinking)


def _check_thinking_dict(value: Mapping[str, Any]) -> None:
    kind = value.get("type")
    if kind == "disabled":
        _only_keys("thinking", value, frozenset({"type"}))
        return
    if kind == "adaptive":
        _only_keys("thinking", value, frozenset({"type", "display"}))
    elif kind == "enabled":
        _only_keys("thinking", value, frozenset({"type", "budget_tokens", "display"}))
        if "budget_tokens" in value:
            budget = value["budget_tokens"]
            if isinstance(budget, bool) or not isinstance(budget, int):
                raise TypeError(f"thinking['budget_tokens'] must be an int, not {budget!r}")
            if budget < 1:
                # The CLI ignores a negative budget silently, and reads 0 as "disabled".
                raise ValueError(
                    f"thinking['budget_tokens'] must be >= 1 (use {{'type': 'disabled'}} "
                    f"for none), not {budget}"
                )
    else:
        raise ValueError(f"thinking type {kind!r} is not one of: adaptive, enabled, disabled")
    if "display" in value:
        _one_of("thinking['display']", value["display"], THINKING_DISPLAYS)


def check_output_format(name: str, value: Any) -> None:
    """``None`` or ``{"type": "json_schema", "schema": {...}}`` with a valid object schema.

    The schema is checked here because, sent in ``initialize`` (where ccsdk
    sends it), an invalid one is silently ignored by CLI 2.1.331: the run
    then has no ``StructuredOutput`` tool and no structured output. Imports
    jsonschema, only when this field is set.
    """
    if value is None:
        return
    output_format = _as_dict(value)
    if output_format is None:
        raise TypeError(
            f"output_format must be a dict {{'type': 'json_schema', 'schema': ...}}, not {value!r}"
        )
    _only_keys("output_format", output_format, frozenset({"type", "schema"}))
    kind = output_format.get("type")
    if kind != "json_schema":
        raise ValueError(f"output_format type must be 'json_schema', not {kind!r}")
    schema = _as_dict(output_format.get("schema"))
    if schema is None:
        raise TypeError(
            f"output_format['schema'] must be a dict, not {_kind(output_format.get('schema'))}"
        )
    if schema.get("type") != "object":
        # The model returns the output as a tool's input, which is always an
        # object: with any other root the CLI's check can never pass.
        raise ValueError(
            'output_format[\'schema\'] must have "type": "object" at its root, '
            f"not {schema.get('type')!r}"
        )
    _json("output_format['schema']", schema)
    # Lazy (only when the field is set), and untyped: Any keeps both checkers quiet.
    jsonschema: Any = importlib.import_module("jsonschema")
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ValueError(
            f"output_format['schema'] is not a valid JSON Schema: {exc.message}"
        ) from None


_SANDBOX_BOOLS = (
    "enabled",
    "failIfUnavailable",
    "autoAllowBashIfSandboxed",
    "allowUnsandboxedCommands",
    "enableWeakerNestedSandbox",
)


def check_sandbox(name: str, value: Any) -> None:
    """``None`` or a ``SandboxSettings`` dict (the CLI validates the rest strictly)."""
    if value is None:
        return
    sandbox = _as_dict(value)
    if sandbox is None:
        raise TypeError(f"sandbox must be a SandboxSettings dict, not {_kind(value)}")
    for key in _SANDBOX_BOOLS:
        _opt_bool("sandbox", sandbox, key)
    if "excludedCommands" in sandbox and not _is_str_list(sandbox["excludedCommands"]):
        raise TypeError("sandbox['excludedCommands'] must be a list of str")
    _json("sandbox", dict(sandbox))


_PLUGIN_KEYS = frozenset({"type", "path", "skip_mcp_discovery"})


def check_plugins(name: str, value: Any) -> None:
    """A list of ``{"type": "local", "path": ...}`` dicts."""
    items = _as_list(value)
    if items is None:
        raise TypeError(f"plugins must be a list, not {_kind(value)}")
    for index, item in enumerate(items):
        field = f"plugins[{index}]"
        plugin = _as_dict(item)
        if plugin is None:
            raise TypeError(f"{field} must be a dict {{'type': 'local', 'path': ...}}")
        _only_keys(field, plugin, _PLUGIN_KEYS)
        if plugin.get("type") != "local":
            raise ValueError(
                f"{field} type {plugin.get('type')!r}: the CLI loads only 'local' plugins"
            )
        _path(f"{field}['path']", plugin.get("path"))
        _opt_bool(field, plugin, "skip_mcp_discovery")


# ---- fields every options class had in 0.0.25 ---------------------------------

#: The smallest line bound accepted (``max_line_bytes``, ``max_buffer_size``):
#: below this, ordinary frames (``system/init`` alone is several KB) would not fit.
MIN_MAX_LINE_BYTES = 1024


def check_str_list(name: str, value: Any) -> None:
    """A list (or tuple); a bare str would be iterated character by character."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list, not {type(value).__name__} ({value!r})")


def check_permission_mode(name: str, value: Any) -> None:
    """``None`` or one of the modes CLI 2.1.331 accepts."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if value not in PERMISSION_MODES:
        raise ValueError(f"{name} {value!r} is not one of: {', '.join(PERMISSION_MODES)}")


def check_max_turns(name: str, value: Any) -> None:
    """``None`` or an int >= 0."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, not {value}")


def check_line_bound(name: str, value: Any) -> None:
    """``max_line_bytes``: an int >= MIN_MAX_LINE_BYTES; ``max_buffer_size`` may be None."""
    if value is None and name == "max_buffer_size":
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < MIN_MAX_LINE_BYTES:
        raise ValueError(f"{name} must be >= {MIN_MAX_LINE_BYTES}, not {value}")


def check_seconds(name: str, value: Any) -> None:
    """A number of seconds: > 0, or >= 0 for ``close_timeout``; NaN is refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {value!r}")
    if name == "close_timeout":
        if not value >= 0:
            raise ValueError(f"close_timeout must be >= 0 seconds, not {value}")
    elif not value > 0:
        raise ValueError(f"{name} must be > 0 seconds, not {value}")


def check_mcp_servers(name: str, value: Any) -> None:
    """A dict of server configs, or a str/Path (a config file or JSON text)."""
    if not isinstance(value, (dict, str, os.PathLike)):
        raise TypeError(
            f"{name} must be a dict of server configs, or a str/Path "
            f"(a config file or JSON text), not {type(value).__name__}"
        )


def check_optional_callable(name: str, value: Any) -> None:
    """``None`` or something callable."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be callable or None, not {value!r}")


def check_dialog_kinds(name: str, value: Any) -> None:
    """A list of non-empty str (that it needs ``on_user_dialog`` is a rule across fields)."""
    check_str_list(name, value)
    for kind in value:
        if not isinstance(kind, str) or not kind:
            raise TypeError(f"{name} must hold non-empty strings, not {kind!r}")


# ---- fields of claude_agent_sdk 0.2.190 new in this version of ccsdk -------------------

# Parentheses and commas split --allowedTools; control characters and U+FEFF
# never appear in a skill directory name.
_SKILL_BAD_CHARS = re.compile(r"[(),\x00-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")


def check_skills(name: str, value: Any) -> None:
    """``None``, ``"all"``, or a list of exact skill names.

    The names ride in ``--allowedTools`` as ``Skill(name)``, so the checks
    of ``claude_agent_sdk`` apply: no delimiters, wildcards or slash form.
    """
    if value is None or value == "all":
        return
    if isinstance(value, str):
        raise TypeError(
            f'{name} must be a list of skill names or "all", not {value!r}; '
            f"did you mean [{value!r}]?"
        )
    if not isinstance(value, list):
        raise TypeError(f'{name} must be a list of skill names, "all" or None, not {_kind(value)}')
    for skill in _as_list(value) or []:
        if not isinstance(skill, str):
            raise TypeError(f"{name} entries must be str, not {_kind(skill)} ({skill!r})")
        if not skill.strip() or skill != skill.strip():
            raise ValueError(f"{name} entry {skill!r}: not empty, no surrounding whitespace")
        if _SKILL_BAD_CHARS.search(skill) or "\\\\" in skill or skill.endswith("\\"):
            raise ValueError(
                f"{name} entry {skill!r}: parentheses, commas, control characters and "
                "doubled or trailing backslashes cannot ride in a Skill(name) rule"
            )
        if skill == "*" or skill.endswith((":*", " *")):
            raise ValueError(f'{name} entry {skill!r}: no wildcards; use skills="all"')
        if skill.startswith("/"):
            raise ValueError(f"{name} entry {skill!r}: the skill's name, not its slash command")


def check_task_budget(name: str, value: Any) -> None:
    """``None`` or ``{"total": n}`` with n a positive int (the CLI's rule)."""
    if value is None:
        return
    budget = _as_dict(value)
    if budget is None:
        raise TypeError(f"{name} must be a dict {{'total': tokens}} or None, not {_kind(value)}")
    _only_keys(name, budget, frozenset({"total"}))
    total = budget.get("total")
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"{name}['total'] must be an int number of tokens, not {total!r}")
    if total < 1:
        raise ValueError(f"{name}['total'] must be > 0 (the CLI refuses others), not {total}")


def check_client_app(name: str, value: Any) -> None:
    """``None`` or a str that can go in an HTTP header (``""`` sends no label)."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {_kind(value)}")
    bad = [c for c in value if ord(c) > 0xFF or ord(c) < 0x20 or c == "\x7f"]
    if bad:
        raise ValueError(
            f"{name} {value!r} holds {bad[0]!r}: the value goes in an HTTP header, where "
            "control characters and characters above U+00FF stop every request"
        )


def check_resume_point(name: str, value: Any) -> None:
    """``None`` or a str (a message UUID); ``resume_drops_turn`` may be empty, as upstream."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str (a message uuid) or None, not {_kind(value)}")
    if name == "resume_session_at" and not value:
        raise ValueError(f"{name} must not be empty (use None to resume at the end)")


def check_non_negative_int(name: str, value: Any) -> None:
    """``None`` (where allowed) or an int >= 0."""
    if value is None and name != "load_timeout_ms":
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {_kind(value)}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, not {value}")


def check_session_store(name: str, value: Any) -> None:
    """``None``, or a store: an object with async ``append`` and ``load`` methods."""
    if value is None:
        return
    for method in ("append", "load"):
        if not callable(getattr(value, method, None)):
            raise TypeError(
                f"{name} must be a SessionStore (with append() and load()); "
                f"{type(value).__name__} has no {method}()"
            )


def check_session_store_flush(name: str, value: Any) -> None:
    """``"batched"`` or ``"eager"``."""
    _one_of(name, value, ("batched", "eager"))


def _store_has(store: object, method: str) -> bool:
    return implements(store, method)


# ---- rules across fields ----------------------------------------------------------


def check_combinations(options: Options) -> None:
    """Raise ``ValueError`` for fields that cannot go together.

    Each rule is one the CLI enforces by exiting (session_id with a resume),
    or one it would break silently (a fork with nothing to fork from).
    """
    o = options
    resuming = o.resume is not None or o.continue_conversation
    if o.fork_session and not resuming:
        raise ValueError(
            "fork_session needs resume or continue_conversation: "
            "there is no session to fork from (the CLI would ignore it)"
        )
    if o.session_id is not None and resuming and not o.fork_session:
        raise ValueError(
            "session_id with resume or continue_conversation also needs fork_session=True "
            "(the resumed session keeps its own id)"
        )
    if o.fallback_model is not None and o.fallback_model == o.model:
        raise ValueError(f"fallback_model must differ from model (both {o.model!r})")
    prompt = o.system_prompt
    if (
        isinstance(prompt, Mapping)
        and prompt.get("type") == "preset"
        and "append" in prompt
        and o.append_system_prompt is not None
    ):
        raise ValueError("append_system_prompt and system_prompt['append'] are both set: give one")
    if o.supported_dialog_kinds and o.on_user_dialog is None:
        raise ValueError(
            "supported_dialog_kinds needs on_user_dialog: the CLI would send those "
            "dialogs and nothing would show them"
        )
    if o.can_use_tool is not None and o.permission_prompt_tool_name is not None:
        raise ValueError(
            "can_use_tool and permission_prompt_tool_name cannot both be set: "
            "can_use_tool answers permission prompts itself (--permission-prompt-tool=stdio)"
        )
    if o.resume_session_at is not None and o.resume is None:
        raise ValueError("resume_session_at needs resume: the CLI refuses it alone")
    store = getattr(o, "session_store", None)
    if store is not None:
        if o.continue_conversation and o.resume is None and not _store_has(store, "list_sessions"):
            raise ValueError(
                "continue_conversation with a session_store needs a store with "
                "list_sessions(): it finds the latest session there"
            )
        if o.enable_file_checkpointing:
            raise ValueError(
                "session_store cannot go with enable_file_checkpointing: checkpoints "
                "stay on local disk, and would not match the mirrored transcript"
            )
    if o.resume_drops_turn is not None and o.resume_session_at is None:
        raise ValueError("resume_drops_turn needs resume_session_at: the CLI refuses it alone")
