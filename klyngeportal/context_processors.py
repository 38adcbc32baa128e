"""What every page's header needs to know about the user, answered by users.access."""
from functools import partial

from users.access import can_use_admin


def access(request) -> dict:
    """`can_use_admin` for the header's admin link.

    A callable, so the template asks only when it renders the link: a page that never
    looks at the user costs no session or user query.
    """
    return {"can_use_admin": partial(can_use_admin, getattr(request, "user", None))}
