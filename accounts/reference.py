"""Reference data of the accounts app (initiative areas per year)."""


def load(changes) -> None:
    """Create the 2022 initiative areas; filled in by the accounts work."""
