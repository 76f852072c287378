"""``python -m ccsdk.testing.install``: install the pinned CLI if needed, print its path.

The functions are :func:`ccsdk.testing.ensure_cli` and
:func:`ccsdk.testing.cli_version` (this module re-exports them).
"""

from ccsdk.testing._install import PINNED_CLI_VERSION, cli_version, ensure_cli

__all__ = ["PINNED_CLI_VERSION", "cli_version", "ensure_cli"]

if __name__ == "__main__":
    print(ensure_cli())
