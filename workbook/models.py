"""The Excel budget-and-accounts template: build, export and import.

``PendingUpload`` keeps an uploaded file between its preview and "Indlæs": in the database, by its
sha256, never in a process's memory, so that the commit re-plans from exactly the bytes previewed.
Its ``preview`` is the preview page as shown (``workbook.plan_store``), valid for the upload's sha256
and the ledger it was planned against: a GET renders from it while the ledger is unchanged.
"""
from django.conf import settings
from django.db import models


class PendingUpload(models.Model):
    """An uploaded template waiting for "Indlæs" after its preview; deleted when booked or stale."""

    cluster_year = models.ForeignKey(
        "accounts.ClusterYear", verbose_name="klyngeregnskab", on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="indlæst af", on_delete=models.CASCADE, related_name="+"
    )
    sha256 = models.CharField("kontrolsum (SHA-256)", max_length=64)
    filename = models.CharField("filnavn", max_length=255)
    content = models.BinaryField("indhold")
    ledger_fingerprint = models.CharField("regnskabets fingeraftryk ved visningen", max_length=200)
    reverse_removed = models.BooleanField("tilbagefør posteringer, der ikke er i filen", default=False)
    preview = models.JSONField("forhåndsvisning", null=True, blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    class Meta:
        verbose_name = "fil til indlæsning"
        verbose_name_plural = "filer til indlæsning"
        indexes = [models.Index(fields=["created_at"], name="pending_upload_created")]

    def __str__(self):
        return self.filename
