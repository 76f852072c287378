"""The ``ccsdk`` command.

:mod:`.main` runs a prompt, :mod:`.render` prints what comes back,
:mod:`.doctor` is ``ccsdk doctor``, and :mod:`.setup` holds what the two
commands share (finding the CLI, the offline mode).
"""
