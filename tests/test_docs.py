"""The documentation builds strictly, its links resolve, and its code is real.

* ``mkdocs build --strict`` succeeds with no warning: broken links, missing
  anchors, pages missing from the nav that it names.
* Every relative link in ``docs/`` reaches a file that exists (and, for a
  page, a heading that exists), checked here without mkdocs too.
* Every complete program in a page of the nav is an example file: the page
  shows it under an ``<!-- example: examples/NAME.py -->`` marker, the block
  is the file (less its module docstring), and ``tests/test_examples.py``
  runs the file on trio and asyncio against the real CLI.
* Every Python block of those pages parses, and what it imports from
  ``ccsdk`` exists.
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# A fenced block: its info string and its body.
FENCE = re.compile(
    r"^(?P<fence>```+|~~~+)(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S
)
# The marker right before a block that shows an example file.
EXAMPLE_MARKER = re.compile(r"<!--\s*example:\s*(?P<path>\S+)\s*-->[ \t]*\n\Z")
# Inline links and images, [text](target "title"), and reference definitions.
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>\S+?)>?(?:\s+.*)?$", re.M)
HTML_LINK = re.compile(r"<a\s[^>]*href=\"(?P<target>[^\"]+)\"", re.I)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
COMPLETE_PROGRAM = re.compile(r"^\s*(?:anyio|trio|asyncio)\.run\(|^if __name__ == ", re.M)


def nav_pages() -> list[Path]:
    """The pages the nav of mkdocs.yml lists (simple parse: ``- Title: page.md``)."""
    text = (ROOT / "mkdocs.yml").read_text()
    nav = text.split("\nnav:", 1)[1]
    return [DOCS / name for name in re.findall(r"^\s*-\s*[^:\n]+:\s*(\S+\.md)\s*$", nav, re.M)]


def strip_code(markdown: str) -> str:
    """The page without fenced blocks and inline code, where links are not links."""
    markdown = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), markdown)
    return INLINE_CODE.sub("", markdown)


def links(markdown: str) -> list[str]:
    text = strip_code(markdown)
    found = [m.group("target") for m in INLINE_LINK.finditer(text)]
    found += [m.group("target") for m in REFERENCE_LINK.finditer(text)]
    found += [m.group("target") for m in HTML_LINK.finditer(text)]
    return found


def anchors(markdown: str) -> set[str] | None:
    """The ids of the page's headings, as Python-Markdown's toc extension makes them.

    ``None`` when Python-Markdown (a dependency of mkdocs) is not installed.
    """
    try:
        import markdown as md
    except ImportError:
        return None
    converter = md.Markdown(extensions=["toc", "tables", "fenced_code", "admonition"])
    converter.convert(markdown)
    ids: set[str] = set()
    tokens = list(converter.toc_tokens)  # type: ignore[attr-defined]
    while tokens:
        token = tokens.pop()
        ids.add(token["id"])
        tokens.extend(token["children"])
    return ids


def python_blocks(markdown: str) -> list[tuple[int, str, str | None]]:
    """``(line, code, example path or None)`` for each ```python block."""
    blocks = []
    for match in FENCE.finditer(markdown):
        if match.group("info").strip().split(" ")[0] not in ("python", "py"):
            continue
        before = markdown[: match.start()]
        marker = EXAMPLE_MARKER.search(before)
        shown = marker.group("path") if marker else None
        blocks.append((before.count("\n") + 1, match.group("body"), shown))
    return blocks


def without_docstring(source: str) -> str:
    """The file as a page shows it: no module docstring, no blank lines before the code."""
    tree = ast.parse(source)
    if (
        tree.body
        and isinstance(tree.body[0], ast.Expr)
        and isinstance(tree.body[0].value, ast.Constant)
        and isinstance(tree.body[0].value.value, str)
    ):
        lines = source.splitlines(keepends=True)
        source = "".join(lines[tree.body[0].end_lineno :])
    return source.lstrip("\n")


# -- mkdocs --------------------------------------------------------------------------


def test_the_site_builds_strictly_with_no_warning(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="mkdocs is in the docs and dev extras")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = proc.stdout + proc.stderr
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert proc.returncode == 0, output
    assert not warnings, "\n".join(warnings)
    assert (tmp_path / "index.html").exists()


def test_the_nav_lists_pages_that_exist() -> None:
    pages = nav_pages()
    assert pages[0].name == "index.md"
    missing = [p.name for p in pages if not p.exists()]
    assert not missing, missing


# -- links ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(DOCS.rglob("*.md")), ids=lambda p: p.name)
def test_every_relative_link_reaches_a_file_and_heading_that_exist(page: Path) -> None:
    markdown = page.read_text()
    broken = []
    for target in links(markdown):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, ...
            continue
        path_part, _, fragment = target.partition("#")
        path = page if not path_part else (page.parent / path_part).resolve()
        if not path.exists():
            broken.append(f"{target}: no such file")
        elif not path.is_relative_to(DOCS):
            broken.append(f"{target}: outside docs/, so not part of the site")
        elif fragment and path.suffix == ".md":
            ids = anchors(path.read_text())
            if ids is not None and fragment not in ids:
                broken.append(f"{target}: no heading with the id {fragment!r}")
    assert not broken, f"{page.name}: " + "; ".join(broken)


# -- code ----------------------------------------------------------------------------


def shown_examples() -> list[tuple[str, int, str, str]]:
    """``(page, line, code, example path)`` for every example a nav page shows."""
    return [
        (page.name, line, code, shown)
        for page in nav_pages()
        if page.exists()
        for line, code, shown in python_blocks(page.read_text())
        if shown is not None
    ]


def test_pages_show_examples() -> None:
    assert len(shown_examples()) >= 10


@pytest.mark.parametrize(
    ("page", "line", "code", "shown"), shown_examples(), ids=lambda v: str(v)[:40]
)
def test_a_shown_example_is_the_file_and_is_run(
    page: str, line: int, code: str, shown: str
) -> None:
    from tests.test_examples import CASES

    path = ROOT / shown
    assert path.is_file(), f"{page}:{line}: {shown} does not exist"
    assert code == without_docstring(path.read_text()), (
        f"{page}:{line}: the block differs from {shown} (less its docstring); copy the file in"
    )
    relative = path.relative_to(ROOT / "examples").as_posix()
    assert relative in CASES, f"{shown} is not run by tests/test_examples.py (add it to CASES)"


def nav_python_blocks() -> list[tuple[str, int, str, str | None]]:
    return [
        (page.name, line, code, shown)
        for page in nav_pages()
        if page.exists()
        for line, code, shown in python_blocks(page.read_text())
    ]


def test_every_complete_program_in_the_pages_is_a_run_example() -> None:
    loose = [
        f"{page}:{line}"
        for page, line, code, shown in nav_python_blocks()
        if shown is None and COMPLETE_PROGRAM.search(code)
    ]
    assert not loose, (
        "complete programs that are not example files (put each in examples/, add it to "
        f"CASES, and show it under <!-- example: examples/NAME.py -->): {loose}"
    )


def test_every_snippet_parses_and_imports_names_that_exist() -> None:
    problems = []
    for page, line, code, _ in nav_python_blocks():
        try:
            tree = ast.parse(code)
        except SyntaxError as exc:
            problems.append(f"{page}:{line}: {exc}")
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "ccsdk":
                module = importlib.import_module(node.module or "")
                for alias in node.names:
                    if alias.name != "*" and not hasattr(module, alias.name):
                        problems.append(f"{page}:{line}: {node.module} has no {alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "ccsdk":
                        importlib.import_module(alias.name)
    assert not problems, "\n".join(problems)


def test_the_state_table_in_protocol_md_is_generated_from_the_tables() -> None:
    """docs/protocol.md shows ``states.markdown_table()``, verbatim, between its markers.

    After a change to the tables, regenerate it: ``python scripts/state_table.py``.
    """
    from ccsdk.protocol.states import markdown_table

    page = (DOCS / "protocol.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- state-table: begin -->\n(?P<table>.*?)<!-- state-table: end -->", page, re.S
    )
    assert found is not None, "docs/protocol.md lost its state-table markers"
    assert found["table"] == markdown_table(), (
        "docs/protocol.md's state table differs from ccsdk/protocol/states.py; "
        "regenerate it with `python scripts/state_table.py`"
    )
