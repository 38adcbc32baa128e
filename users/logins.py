"""Login protection: the client address that django-axes counts failed logins against.

django-axes (settings AXES_*) locks a username, and a client address, out for a while after
repeated wrong passwords. Behind reverse proxies every request comes from the proxy's address,
so the client's own address is read from X-Forwarded-For, trusting exactly as many entries from
the right as there are proxies of ours in front of the portal (TRUSTED_PROXY_COUNT). Entries
further left are the client's own claims and are never used: a client cannot pick the address
it is counted under.
"""
from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    """The address failed logins are counted against (AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    # Our nearest proxy appended the address it saw last; with n proxies the client is n from the right.
    return forwarded[-proxies]
