"""Commands on the catalogue itself: init, import, export, show."""


def register(group) -> None:
    """Add this module's commands to the `catalogue` group."""
