"""Demo users, one per role, for a newcomer's first look. Not for production."""
from geography.models import Cluster, Region
from users.models import Role, User

DEMO_PASSWORD = "klynge-demo-2022"


def demo_user_specs():
    """(username, full name, role, cluster, region) for each demo user."""
    aarhus = Cluster.objects.select_related("region").get(region__code=1082, name="Aarhusklyngen")
    randers = Cluster.objects.select_related("region").get(region__code=1082, name="Randers Klyngen")
    midt = Region.objects.get(code=1082)
    hoved = Region.objects.get(code=1084)
    return [
        ("sekretariat", "Sekretariat Aarhusklyngen", Role.SECRETARIAT, aarhus, None),
        ("sekretariat2", "Sekretariat Randers Klyngen", Role.SECRETARIAT, randers, None),
        ("ssu", "SSU Region Midtjylland", Role.SSU, None, midt),
        ("ssu2", "SSU Region Hovedstaden", Role.SSU, None, hoved),
        ("national", "National læser", Role.NATIONAL, None, None),
        ("admin", "Administrator", Role.ADMIN, None, None),
    ]


def ensure_demo_users(password: str = DEMO_PASSWORD) -> list[tuple[str, str]]:
    created = []
    for username, full_name, role, cluster, region in demo_user_specs():
        first, _, last = full_name.partition(" ")
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first, "last_name": last, "role": role, "cluster": cluster, "region": region,
                "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN,
                "email": f"{username}@example.invalid",
            },
        )
        user.set_password(password)
        user.save()
        created.append((username, user.get_role_display()))
    return created
