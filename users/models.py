from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Klyngesekretariat"
    SSU = "ssu", "Sundhedssamarbejdsudvalg (SSU)"
    NATIONAL = "national", "National læser"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A portal user with one role: a cluster's secretariat, a region's SSU, national or admin."""

    role = models.CharField("rolle", max_length=20, choices=Role.choices, default=Role.NATIONAL)
    cluster = models.ForeignKey(
        "geography.Cluster", verbose_name="klynge", on_delete=models.PROTECT,
        null=True, blank=True, related_name="secretariat_users",
    )
    region = models.ForeignKey(
        "geography.Region", verbose_name="region", on_delete=models.PROTECT,
        null=True, blank=True, related_name="ssu_users",
    )

    class Meta:
        verbose_name = "bruger"
        verbose_name_plural = "brugere"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="secretariat") | Q(cluster__isnull=False),
                name="user_secretariat_has_cluster",
            ),
            models.CheckConstraint(
                condition=~Q(role="ssu") | Q(region__isnull=False),
                name="user_ssu_has_region",
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == Role.SECRETARIAT and not self.cluster_id:
            raise ValidationError({"cluster": "Et klyngesekretariat skal høre til en klynge."})
        if self.role == Role.SSU and not self.region_id:
            raise ValidationError({"region": "Et SSU-medlem skal høre til en region."})

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    def __str__(self):
        return self.get_full_name() or self.username
