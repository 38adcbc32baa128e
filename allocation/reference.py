"""Reference data of the allocation app (the 2022 round and the published Table 1)."""


def load(changes) -> None:
    """Create or update the 2022 allocation round; filled in by the allocation work."""
