"""Write the state tables of ``ccsdk/protocol/states.py`` into ``docs/protocol.md``.

``python scripts/state_table.py`` rewrites the part between the
``<!-- state-table: begin -->`` and ``<!-- state-table: end -->`` markers
with :func:`ccsdk.protocol.states.markdown_table`; ``--check`` only says
whether the page is up to date (exit status 1 if not). ``tests/test_docs.py``
runs the same comparison.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ccsdk.protocol.states import markdown_table

PAGE = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"
SECTION = re.compile(
    r"(<!-- state-table: begin -->\n)(?P<table>.*?)(<!-- state-table: end -->)", re.S
)


def main(argv: list[str]) -> int:
    page = PAGE.read_text(encoding="utf-8")
    found = SECTION.search(page)
    if found is None:
        print(f"{PAGE}: no state-table markers", file=sys.stderr)
        return 2
    if found["table"] == markdown_table():
        return 0
    if "--check" in argv:
        print(f"{PAGE}: the state table is out of date", file=sys.stderr)
        return 1
    PAGE.write_text(SECTION.sub(lambda m: m[1] + markdown_table() + m[3], page), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
