from django import forms
from django.conf import settings


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Udfyldt skabelon (.xlsx)",
        help_text="Kun .xlsx uden makroer; højst {mb} MB. Arkene Regnskab, Budget og Videreførelse indlæses; "
                  "du ser en forhåndsvisning, før noget gemmes.".format(
                      mb=getattr(settings, "XLSX_IMPORT_MAX_BYTES", 20 * 1024 * 1024) // (1024 * 1024)),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }),
    )
    reverse_removed = forms.BooleanField(
        label="Tilbagefør rækker, der er slettet i filen", required=False,
        help_text="Posteringer og budgetlinjer, som portalen kender, men som ikke står i filen, tilbageføres "
                  "(fjernes). Uden flueben vises de blot som «ikke i filen».",
    )
