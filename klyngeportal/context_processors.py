"""What every page's header needs to know about the user, answered by users.access."""
from functools import partial

from users.access import can_use_admin


def header_identity(user) -> str:
    """Who is logged in, for the header: the person's name, the role and the cluster or region, each said once.

    A part the name already says is left out: «Administrator», not «Administrator · Administrator»;
    «SSU Region Midtjylland · Sundhedssamarbejdsudvalg (SSU)», not with «· Region Midtjylland» again.
    """
    name = (user.get_full_name() or user.username).strip()
    parts = [name]
    role = str(user.get_role_display())
    if role.casefold() != name.casefold():
        parts.append(role)
    if user.cluster_id:
        scope = str(user.cluster)
    elif user.region_id:
        scope = f"Region {user.region.name}"
    else:
        scope = ""
    if scope and scope.casefold() not in name.casefold():
        parts.append(scope)
    return " · ".join(parts)


def access(request) -> dict:
    """`can_use_admin` for the header's admin link, `header_identity` for the header's «who».

    Callables, so the template asks only when it renders them: a page that never
    looks at the user costs no session or user query.
    """
    user = getattr(request, "user", None)
    return {"can_use_admin": partial(can_use_admin, user), "header_identity": partial(header_identity, user)}
