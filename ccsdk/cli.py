"""The ``ccsdk`` command's old path: ``python -m ccsdk.cli`` still runs it.

The command lives in :mod:`ccsdk._cli`; the console script is ``ccsdk._cli.main:main``.
"""

import sys

from ccsdk._cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
