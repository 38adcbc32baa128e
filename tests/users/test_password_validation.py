"""Django's password validators, with the Danish messages Django ships (LANGUAGE_CODE "da")."""
import pytest
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from users.models import User


def problems(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_the_portal_speaks_danish():
    assert settings.LANGUAGE_CODE == "da"
    assert [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS] == [
        "UserAttributeSimilarityValidator", "MinimumLengthValidator",
        "CommonPasswordValidator", "NumericPasswordValidator",
    ]


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("1234", [
            "Denne adgangskode er for kort. Den skal indeholde mindst 8 tegn.",
            "Denne adgangskode er for almindelig.",
            "Denne adgangskode er udelukkende numerisk.",
        ]),
        ("password", ["Denne adgangskode er for almindelig."]),
        ("48151623429", ["Denne adgangskode er udelukkende numerisk."]),
        ("Solsikke-Bornholm-2026", []),
    ],
)
def test_validator_messages_are_danish(password, expected):
    assert problems(password) == expected


def test_a_password_like_the_username_is_refused_in_danish():
    user = User(username="laerkehansen", first_name="Lærke", email="laerke@example.dk")
    assert problems("laerkehansen1", user) == ["Din adgangskode minder for meget om din/dit brugernavn."]


def test_the_help_texts_are_danish():
    assert password_validators_help_texts() == [
        "Din adgangskode må ikke minde om dine andre personlige oplysninger.",
        "Din adgangskode skal indeholde mindst 8 tegn.",
        "Din adgangskode må ikke være en ofte anvendt adgangskode.",
        "Din adgangskode må ikke være udelukkende numerisk.",
    ]
