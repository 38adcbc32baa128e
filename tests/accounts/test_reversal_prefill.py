"""After a reversal, the form for the right entry starts from the reversed entry (issue 15, part 7)."""
import datetime
from decimal import Decimal

from django.urls import reverse

from accounts import services
from accounts.models import Entry


def test_new_entry_after_a_reversal_is_prefilled_with_every_field(client_for, users, cy_a, entry_kwargs,
                                                                   initiative_a, aarhus_kommune):
    original = services.entry_create(**entry_kwargs(
        amount=Decimal("12345.67"), text="Syntetisk konsulentydelse", voucher="SYN-42", kind="income",
        cost_kind="running", booking_date=datetime.date(2022, 5, 17), account_code="4.62.83",
    ))
    client = client_for(users["secretariat_a"])
    response = client.post(reverse("accounts:entry_reverse", args=[cy_a.pk, original.pk]), {"text": ""})
    assert response.status_code == 302
    assert Entry.objects.filter(reverses=original).count() == 1

    form = client.get(response.url).context["form"]
    assert form.initial == {
        "initiative": str(initiative_a.pk), "party": f"m:{aarhus_kommune.pk}", "booking_date": "2022-05-17",
        "kind": "income", "cost_kind": "running", "account_code": "4.62.83", "voucher": "SYN-42",
        "text": "Syntetisk konsulentydelse", "amount": Decimal("12345.67"),
    }
    html = client.get(response.url).content.decode()
    assert 'value="12.345,67"' in html  # the amount in Danish, as the user types it
    assert 'value="SYN-42"' in html and 'value="Syntetisk konsulentydelse"' in html

    # the prefilled form books as it stands: the user only corrects what was wrong
    data = {name: form[name].value() for name in form.fields}
    data["amount"] = "12.345,76"
    assert client.post(response.url, {k: ("" if v is None else v) for k, v in data.items()}).status_code == 302
    booked = Entry.objects.exclude(pk=original.pk).filter(reverses__isnull=True).get()
    assert (booked.amount, booked.text, booked.voucher, booked.kind, booked.cost_kind, booked.booking_date) == (
        Decimal("12345.76"), "Syntetisk konsulentydelse", "SYN-42", "income", "running", datetime.date(2022, 5, 17))


def test_a_junk_amount_in_the_query_is_left_out(client_for, users, cy_a):
    url = reverse("accounts:entry_create", args=[cy_a.pk]) + "?amount=tolv&text=Syntetisk"
    form = client_for(users["secretariat_a"]).get(url).context["form"]
    assert form.initial == {"text": "Syntetisk"}
