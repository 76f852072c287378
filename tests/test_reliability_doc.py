"""Every row of the fault tables in docs/reliability.md names a test that exists.

The tables promise what a user sees when something goes wrong; a promise
with no test behind it is a guess. Each table whose first column is a fault
or an input has a ``test`` column, and each of its cells names one or more
tests as ``file.py::test_name`` (in ``tests/``). This test fails on a row
without one, and on a name that no longer exists (a renamed or deleted
test), so the table and the suite cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reliability.md"
_REFERENCE = re.compile(r"`?([\w/]+\.py)::(\w+)`?")


def _tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """(header cells, rows of cells) of each Markdown table in ``text``."""
    tables: list[tuple[list[str], list[list[str]]]] = []
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2:
            cells = [_cells(row) for row in block]
            tables.append((cells[0], cells[2:]))
        block = []
    return tables


def _cells(row: str) -> list[str]:
    # A "|" inside backticks is text, not a column break (`a | b`).
    parts: list[str] = []
    current = ""
    quoted = False
    for char in row.strip().strip("|"):
        if char == "`":
            quoted = not quoted
        if char == "|" and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _fault_tables() -> list[tuple[list[str], list[list[str]]]]:
    return [t for t in _tables(DOC.read_text()) if t[0][0].lower() in {"fault", "input"}]


def test_every_fault_table_has_a_test_column() -> None:
    tables = _fault_tables()
    assert len(tables) >= 4  # the CLI's faults, your code's, bad input, containment
    for header, _ in tables:
        assert "test" in header, f"a table of {header[0]}s has no test column: {header}"


def test_every_row_names_tests_that_exist() -> None:
    missing: list[str] = []
    empty: list[str] = []
    for header, rows in _fault_tables():
        column = header.index("test")
        for row in rows:
            references = _REFERENCE.findall(row[column]) if column < len(row) else []
            if not references:
                empty.append(row[0])
            for file, name in references:
                path = ROOT / "tests" / file
                if not path.exists() or not re.search(
                    rf"^(async )?def {name}\(", path.read_text(), re.MULTILINE
                ):
                    missing.append(f"{file}::{name} (row: {row[0]})")
    assert not empty, f"rows with no test: {empty}"
    assert not missing, f"tests named in docs/reliability.md that do not exist: {missing}"
