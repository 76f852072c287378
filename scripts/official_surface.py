"""The official SDKs' public surface, as a committed snapshot, and ccsdk beside it.

``python scripts/official_surface.py`` installs ``claude-agent-sdk`` and
``claude-code-sdk`` at the pinned versions into a throwaway virtualenv, runs
this file there with ``--dump`` and writes what it prints into
``tests/official_surface.json``, keeping that file's ``deliberate`` section
(the differences ccsdk keeps on purpose, each with its reason) as it was.

``tests/test_official_surface.py`` reads only the committed snapshot: it
describes ccsdk the same way (:func:`describe_module`) and fails on every
difference (:func:`compare`) that ``deliberate`` does not name. CI never
installs the official SDKs.

A description says what a user's program can rely on: the kind of each name
(class, dataclass, TypedDict, Protocol, function, async function, Literal,
union, alias, constant), base classes, dataclass fields with their defaults
and order, TypedDict keys, public methods and their signatures (parameter
names, kinds, defaults, sync or async). It leaves out annotations: the same
type can be spelled many ways, and the type-checking tests pin ccsdk's own.

Runs on the standard library alone, so the throwaway virtualenv needs
nothing but the two wheels.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import importlib
import inspect
import json
import subprocess
import sys
import tempfile
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The official releases the snapshot describes.
OFFICIAL = {"claude-agent-sdk": "0.2.190", "claude-code-sdk": "0.0.25"}

#: Official module -> the ccsdk module that must hold the same names.
MODULES = {
    "claude_agent_sdk": "ccsdk",
    "claude_agent_sdk.types": "ccsdk.types",
    "claude_code_sdk": "ccsdk",
    "claude_code_sdk.types": "ccsdk.types",
}

SNAPSHOT = Path(__file__).resolve().parent.parent / "tests" / "official_surface.json"

Description = dict[str, Any]


# --------------------------------------------------------------------------
# Which names are public
# --------------------------------------------------------------------------


def public_names(module: types.ModuleType) -> list[str]:
    """``__all__`` where the module has one, else what its source defines at top level.

    The official ``types`` modules have no ``__all__``; their public names are
    the classes, functions and assignments written in the file, not what it
    imports (``Any``, ``dataclass``, ...).
    """
    names = getattr(module, "__all__", None)
    if names is not None:
        return sorted(n for n in names if not n.startswith("_"))
    import ast

    source = Path(inspect.getfile(module)).read_text(encoding="utf-8")
    found: set[str] = set()
    todo: list[ast.stmt] = list(ast.parse(source).body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            found.add(node.name)
        elif isinstance(node, ast.Assign):
            found.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found.add(node.target.id)
        elif isinstance(node, (ast.If, ast.Try)):
            # ``if TYPE_CHECKING: ... else: ...`` and ``try: ... except ImportError:``
            todo.extend(node.body)
            todo.extend(node.orelse)
    return sorted(n for n in found if not n.startswith("_") and hasattr(module, n))


# --------------------------------------------------------------------------
# Describing a name
# --------------------------------------------------------------------------


def _default(value: Any) -> Any:
    """A default as JSON: primitives and small containers as they are, others by type."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return f"<{type(value).__name__}.{value.name}>"
    if isinstance(value, (list, tuple, dict, set, frozenset)) and not value:
        return f"<empty {type(value).__name__}>"
    return f"<{type(value).__name__}>"


def _signature(fn: Any) -> Description:
    target = inspect.unwrap(fn)
    kind = "function"
    if inspect.iscoroutinefunction(target):
        kind = "async function"
    elif inspect.isasyncgenfunction(target):
        kind = "async generator"
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return {"kind": kind, "params": None}
    params = []
    for p in sig.parameters.values():
        default = "<required>" if p.default is inspect.Parameter.empty else _default(p.default)
        params.append([p.name, p.kind.name, default])
    return {"kind": kind, "params": params}


_PLAIN_BASES = {"object", "Generic", "Protocol", "dict", "TypedDict"}
_FOREIGN_MODULES = {"builtins", "typing", "abc", "typing_extensions", "pydantic", "mcp"}


def _methods(cls: type) -> dict[str, Description]:
    methods: dict[str, Description] = {}
    for klass in reversed(cls.__mro__):
        # What the language, typing and pydantic give every such class says
        # nothing about the SDK (and changes with their versions).
        if klass.__module__.split(".")[0] in _FOREIGN_MODULES:
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") and name != "__init__":
                continue
            if isinstance(value, property):
                methods[name] = {"kind": "property"}
            elif isinstance(value, (staticmethod, classmethod)):
                methods[name] = _signature(value.__func__)
                methods[name]["kind"] = type(value).__name__ + " " + methods[name]["kind"]
            elif inspect.isfunction(value):
                methods[name] = _signature(value)
    return methods


def _is_typeddict(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, dict) and hasattr(obj, "__required_keys__")


def describe(obj: Any) -> Description:
    """What a user's program can rely on about one public name."""
    if _is_typeddict(obj):
        return {
            "kind": "TypedDict",
            "required": sorted(obj.__required_keys__),
            "optional": sorted(obj.__optional_keys__),
        }
    if isinstance(obj, type):
        desc: Description = {
            "kind": "class",
            "bases": [b.__name__ for b in obj.__bases__],
            "mro": [k.__name__ for k in obj.__mro__],
        }
        if getattr(obj, "_is_protocol", False):
            desc["kind"] = "Protocol"
        if dataclasses.is_dataclass(obj):
            desc["kind"] = "dataclass"
            params = getattr(obj, "__dataclass_params__", None)
            desc["frozen"] = bool(params and params.frozen)
            fields = []
            for f in dataclasses.fields(obj):
                if f.default is not dataclasses.MISSING:
                    default = _default(f.default)
                elif f.default_factory is not dataclasses.MISSING:
                    default = "factory:" + json.dumps(_default(f.default_factory()))
                else:
                    default = "<required>"
                fields.append([f.name, default])
            desc["fields"] = fields
        methods = _methods(obj)
        if desc["kind"] == "dataclass":
            methods.pop("__init__", None)
        desc["methods"] = methods
        desc["abstract"] = sorted(getattr(obj, "__abstractmethods__", ()))
        return desc
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return _signature(obj)
    origin = typing.get_origin(obj)
    if origin is typing.Literal:
        return {"kind": "Literal", "values": sorted(map(repr, typing.get_args(obj)))}
    if origin is typing.Union or origin is types.UnionType:
        args = typing.get_args(obj)
        if all(typing.get_origin(a) is typing.Literal for a in args):
            # ``Literal["a"] | Literal["b"]`` means what ``Literal["a", "b"]`` does.
            values = (v for a in args for v in typing.get_args(a))
            return {"kind": "Literal", "values": sorted(map(repr, values))}
        return {"kind": "union", "members": sorted(_type_name(a) for a in args)}
    if origin is not None or isinstance(obj, typing.TypeVar) or type(obj).__module__ == "typing":
        return {"kind": "alias", "origin": _type_name(origin) if origin else repr(obj)}
    if isinstance(obj, (frozenset, set)):
        return {"kind": "constant", "type": type(obj).__name__, "value": sorted(map(repr, obj))}
    if isinstance(obj, (str, int, float, bool, tuple, list)):
        return {"kind": "constant", "type": type(obj).__name__, "value": repr(obj)}
    if isinstance(obj, types.ModuleType):
        return {"kind": "module"}
    return {"kind": "object", "type": type(obj).__name__}


def _type_name(tp: Any) -> str:
    if tp is None or tp is type(None):
        return "None"
    if typing.get_origin(tp) is typing.Literal:
        return "Literal[" + ", ".join(sorted(map(repr, typing.get_args(tp)))) + "]"
    origin = typing.get_origin(tp)
    if origin is not None:
        return _type_name(origin)
    return getattr(tp, "__name__", None) or repr(tp)


def describe_module(module_name: str, names: list[str] | None = None) -> dict[str, Description]:
    """Every public name of ``module_name`` (or those of ``names`` it has), described."""
    module = importlib.import_module(module_name)
    wanted = public_names(module) if names is None else names
    return {n: describe(getattr(module, n)) for n in wanted if hasattr(module, n)}


# --------------------------------------------------------------------------
# Comparing ccsdk with the snapshot
# --------------------------------------------------------------------------


def _compare_params(official: list[Any] | None, ours: list[Any] | None) -> str | None:
    """The official parameters must come first, as they are; ours may add defaulted ones."""
    if official is None or ours is None:
        return None if official == ours else "signature not introspectable"
    if len(ours) < len(official):
        return f"parameters {[p[0] for p in ours]} lack {[p[0] for p in official[len(ours) :]]}"
    for theirs, mine in zip(official, ours, strict=False):
        if theirs != mine:
            return f"parameter {theirs} is {mine}"
    for extra in ours[len(official) :]:
        if extra[2] == "<required>" and extra[1] not in ("VAR_POSITIONAL", "VAR_KEYWORD"):
            return f"added parameter {extra[0]!r} has no default"
    return None


def _compare_callable(official: Description, ours: Description) -> list[tuple[str, str]]:
    if official["kind"] != ours["kind"]:
        return [("kind", f"official {official['kind']}, ccsdk {ours['kind']}")]
    if "params" not in official:
        return []
    problem = _compare_params(official["params"], ours.get("params"))
    return [("signature", problem)] if problem else []


def compare_one(official: Description, ours: Description | None) -> list[tuple[str, str]]:
    """The differences between one official name and ccsdk's, as (aspect, what)."""
    if ours is None:
        return [("missing", "ccsdk does not have it")]
    kind = official["kind"]
    if kind in ("function", "async function", "async generator"):
        return _compare_callable(official, ours)
    if ours["kind"] != kind:
        return [("kind", f"official {kind}, ccsdk {ours['kind']}")]
    found: list[tuple[str, str]] = []
    if kind == "TypedDict":
        if official["required"] != ours["required"]:
            found.append(("keys", f"required {official['required']}, ccsdk {ours['required']}"))
        lost = sorted(set(official["optional"]) - set(ours["optional"]))
        if lost:
            found.append(("keys", f"optional keys missing: {lost}"))
    elif kind == "Literal":
        lost = sorted(set(official["values"]) - set(ours["values"]))
        if lost:
            found.append(("values", f"values missing: {lost}"))
    elif kind == "union":
        lost = sorted(set(official["members"]) - set(ours["members"]))
        if lost:
            found.append(("members", f"members missing: {lost}"))
    elif kind == "constant":
        if official != ours:
            found.append(("value", f"official {official['value']}, ccsdk {ours['value']}"))
    elif kind in ("class", "dataclass", "Protocol"):
        lost = [b for b in official["bases"] if b not in _PLAIN_BASES and b not in ours["mro"]]
        if lost:
            found.append(("bases", f"not a subclass of {lost}"))
        if kind == "dataclass":
            if official["frozen"] != ours["frozen"]:
                found.append(("frozen", f"official frozen={official['frozen']}"))
            theirs, mine = official["fields"], ours["fields"]
            names = [f[0] for f in theirs]
            if [f[0] for f in mine[: len(theirs)]] != names:
                found.append(("fields", f"official {names}, ccsdk {[f[0] for f in mine]}"))
            else:
                for (name, default), (_, our_default) in zip(theirs, mine, strict=False):
                    if default != our_default:
                        found.append((f"field {name}", f"default {default}, ccsdk {our_default}"))
            if len(mine) > len(theirs):
                found.append(("extra-fields", f"ccsdk adds {[f[0] for f in mine[len(theirs) :]]}"))
        for name, method in official["methods"].items():
            mine_m = ours["methods"].get(name)
            if mine_m is None:
                found.append((f"method {name}", "missing"))
            elif method["kind"] == "property" or mine_m["kind"] == "property":
                if method["kind"] != mine_m["kind"]:
                    found.append((f"method {name}", f"{method['kind']} vs {mine_m['kind']}"))
            else:
                for aspect, what in _compare_callable(method, mine_m):
                    found.append((f"method {name}", f"{aspect}: {what}"))
        lost = sorted(set(ours["abstract"]) - set(official["abstract"]))
        if lost:
            found.append(("abstract", f"ccsdk requires more abstract methods: {lost}"))
    return found


@dataclasses.dataclass(frozen=True)
class Difference:
    key: str  # "claude_agent_sdk.types.ResultMessage:fields"
    what: str

    def __str__(self) -> str:
        return f"{self.key}: {self.what}"


def compare(snapshot: Mapping[str, Any]) -> list[Difference]:
    """Every difference between the snapshot and the installed ccsdk."""
    found: list[Difference] = []
    for official_module, names in snapshot["modules"].items():
        ours = describe_module(MODULES[official_module], list(names))
        for name, official in names.items():
            for aspect, what in compare_one(official, ours.get(name)):
                found.append(Difference(f"{official_module}.{name}:{aspect}", what))
    return found


def explained(key: str, listed: Mapping[str, str]) -> bool:
    """Whether ``listed`` names the difference ``key``: as it is, or as ``module.Name:*``."""
    return key in listed or key.split(":", 1)[0] + ":*" in listed


def unexplained(snapshot: Mapping[str, Any]) -> list[Difference]:
    """The differences neither ``deliberate`` nor ``pending`` names.

    ``deliberate``: what ccsdk does differently on purpose, with the reason.
    ``pending``: what a later issue builds (its number in the text). A key is
    ``module.Name:aspect``, or ``module.Name:*`` for every aspect of a name.
    """
    listed = {**snapshot.get("pending", {}), **snapshot.get("deliberate", {})}
    return [d for d in compare(snapshot) if not explained(d.key, listed)]


# --------------------------------------------------------------------------
# Writing the snapshot
# --------------------------------------------------------------------------


def dump() -> dict[str, Any]:
    """Run inside the throwaway virtualenv: the official surface as JSON."""
    from importlib.metadata import version

    return {
        "versions": {name: version(name) for name in OFFICIAL},
        "modules": {m: describe_module(m) for m in MODULES},
    }


def write_snapshot() -> None:
    with tempfile.TemporaryDirectory(prefix="ccsdk-official-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        pins = [f"{name}=={v}" for name, v in OFFICIAL.items()]
        subprocess.run([python, "-m", "pip", "install", "--quiet", *pins], check=True)
        out = subprocess.run(
            [python, __file__, "--dump"], check=True, capture_output=True, text=True
        ).stdout
    fresh = json.loads(out)
    old = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else {}
    fresh["deliberate"] = old.get("deliberate", {})
    fresh["pending"] = old.get("pending", {})
    SNAPSHOT.write_text(json.dumps(fresh, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dump", action="store_true", help="print the surface of the installed SDKs"
    )
    parser.add_argument("--check", action="store_true", help="list ccsdk's unexplained differences")
    args = parser.parse_args()
    if args.dump:
        print(json.dumps(dump()))
    elif args.check:
        problems = unexplained(json.loads(SNAPSHOT.read_text(encoding="utf-8")))
        for problem in problems:
            print(problem)
        print(f"{len(problems)} unexplained differences")
        sys.exit(1 if problems else 0)
    else:
        write_snapshot()


if __name__ == "__main__":
    main()
