"""One date format everywhere: dd.mm.åååå, with HH:MM where a time is shown.

Django's Danish defaults write dates long («2. december 2026»); the portal, its admin and its
exports write 02.12.2026 and 02.12.2026 14:05. Everything else (decimal comma, thousands dot,
input formats) is Django's Danish locale, which Django reads after this module.
"""
DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
