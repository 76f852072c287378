"""The old name of :mod:`ccsdk.testing.install`; ``python -m ccsdk.testing.cli`` still works."""

from ccsdk.testing._install import PINNED_CLI_VERSION, cli_version, ensure_cli

__all__ = ["PINNED_CLI_VERSION", "cli_version", "ensure_cli"]

if __name__ == "__main__":
    print(ensure_cli())
