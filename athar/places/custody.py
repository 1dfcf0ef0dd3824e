"""The places where the detained were held, and where the bodies of those who died held were taken.

A hospital or morgue log that writes where a body came from says whether the death was in custody:
a security branch or a prison, or one of the military hospitals whose morgues received detainees'
bodies (the "Caesar" photographs were taken at Military Hospital 601 in Mezzeh and at Tishreen
Military Hospital; Harasta Military Hospital received them too: Human Rights Watch, *If the Dead
Could Speak*, 2015). Linkage reads it as evidence for or against a detention register's record of
the same person (`athar.linkage.settings.lists`); it is never a finding about one body.
"""

from __future__ import annotations

# Gazetteer ids (`data/syria_places.tsv`, kind "facility"): detention branches and prisons, then the
# military hospitals.
CUSTODY_PLACE_IDS: frozenset[str] = frozenset(
    {
        "sy-dam-f-branch-235",
        "sy-dam-f-branch-215",
        "sy-dam-f-branch-227",
        "sy-dam-f-branch-248",
        "sy-dam-f-branch-251",
        "sy-dam-f-branch-291",
        "sy-ale-f-branch-290",
        "sy-hom-f-branch-261",
        "sy-dar-f-branch-245",
        "sy-dam-f-air-force-intelligence-mezzeh",
        "sy-dam-f-military-police-qaboun",
        "sy-rdm-f-saydnaya-prison",
        "sy-rdm-f-adra-prison",
        "sy-hom-f-tadmur-prison",
        "sy-ale-f-aleppo-central-prison",
        "sy-hom-f-homs-central-prison",
        "sy-ham-f-hama-central-prison",
        "sy-dam-f-tishreen-military-hospital",
        "sy-rdm-f-harasta-military-hospital",
        "sy-dam-f-mezzeh-601-hospital",
    }
)


# What `custody_of` says of a place (linkage's `event_custody` column holds these values).
HELD = "held"
FREE = "free"


def custody_of(place_id: str | None) -> str | None:
    """`HELD` for a place of custody, `FREE` for any other place the gazetteer knows, None for none."""
    if place_id is None:
        return None
    return HELD if place_id in CUSTODY_PLACE_IDS else FREE
