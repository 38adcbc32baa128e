from django import forms
from django.conf import settings


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Udfyldt skabelon (.xlsx)",
        help_text="Kun .xlsx uden makroer; højst {mb} MB. Kun arket Regnskab indlæses.".format(
            mb=getattr(settings, "XLSX_IMPORT_MAX_BYTES", 20 * 1024 * 1024) // (1024 * 1024)
        ),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }),
    )
    dry_run = forms.BooleanField(
        label="Kontrollér kun (gem intet)", required=False,
        help_text="Filen kontrolleres række for række, men intet gemmes.",
    )
