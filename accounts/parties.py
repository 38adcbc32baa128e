"""Who booked, budgeted or funded: one value for a party of the accounts, with one stable key.

A party is a municipality, the cluster's region, or (only for proposed start-up funds)
the cluster's municipalities jointly. Its key ('m:<municipality id>', 'r:<region id>'
or 'joint') is used in forms, filters, the workbook and every money table.
"""
from __future__ import annotations

from dataclasses import dataclass

from accounts.models import PartyKind

JOINT_KEY = "joint"
_PREFIX = {PartyKind.MUNICIPALITY: "m", PartyKind.REGION: "r"}


class PartyKeyError(ValueError):
    """A key that is not 'm:<id>', 'r:<id>' or 'joint'."""


@dataclass(frozen=True)
class Party:
    kind: str
    municipality_id: int | None = None
    region_id: int | None = None
    label: str = ""

    @property
    def key(self) -> str:
        return party_key(self.kind, self.municipality_id, self.region_id)

    @classmethod
    def municipality(cls, municipality) -> Party:
        return cls(PartyKind.MUNICIPALITY, municipality.pk, None, municipality.name)

    @classmethod
    def region(cls, region) -> Party:
        return cls(PartyKind.REGION, None, region.pk, region_label(region.name))

    @classmethod
    def joint(cls) -> Party:
        return cls(PartyKind.MUNICIPALITIES_JOINTLY, None, None, PartyKind.MUNICIPALITIES_JOINTLY.label)

    @classmethod
    def of(cls, obj) -> Party:
        """The party of a funding line, budget line, entry or commitment (labels need the related rows)."""
        if obj.party_kind == PartyKind.MUNICIPALITY:
            return cls(PartyKind.MUNICIPALITY, obj.municipality_id, None, obj.municipality.name)
        if obj.party_kind == PartyKind.REGION:
            return cls(PartyKind.REGION, None, obj.region_id, region_label(obj.region.name))
        return cls.joint()

    @classmethod
    def from_key(cls, key: str, *, label: str = "") -> Party:
        """'m:12' -> Party; raises PartyKeyError for anything else (a form turns it into a message)."""
        if key == JOINT_KEY:
            return cls.joint()
        prefix, _, pk = (key or "").partition(":")
        if prefix not in ("m", "r") or not pk.isdigit() or len(pk) > 18:
            raise PartyKeyError(f"«{key}» er ikke en part.")
        if prefix == "m":
            return cls(PartyKind.MUNICIPALITY, int(pk), None, label)
        return cls(PartyKind.REGION, None, int(pk), label)

    def lookup(self) -> dict:
        """Filter arguments for the rows of this party (``Entry.objects.filter(**party.lookup())``)."""
        if self.kind == PartyKind.MUNICIPALITY:
            return {"party_kind": self.kind, "municipality_id": self.municipality_id}
        if self.kind == PartyKind.REGION:
            return {"party_kind": self.kind, "region_id": self.region_id}
        return {"party_kind": self.kind}


def party_key(kind, municipality_id, region_id) -> str:
    """The stable key of a party from its three columns (as ``values()`` rows give them)."""
    prefix = _PREFIX.get(kind)
    if prefix == "m":
        return f"m:{municipality_id}"
    if prefix == "r":
        return f"r:{region_id}"
    return JOINT_KEY


def region_label(name: str) -> str:
    return f"Region {name}"
