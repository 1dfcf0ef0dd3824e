"""A gazetteer of Syrian places for record linkage: any spelling, either script, to one place.

* ``lookup(text)`` -> ``Place | None``: the governorate, district, town, neighbourhood or
  facility (detention branch, prison, hospital, border crossing) a free-text place field names.
* ``governorate_of(text)`` -> the ``place_id`` of its governorate, or None.
* ``place_key(text)`` -> the folding key used for matching (equal keys: same spelling up to noise).

The table is ``data/syria_places.tsv``; see ``data/README.md`` for how it was made and its gaps.
"""

from athar.places.gazetteer import Place
from athar.places.keys import place_key
from athar.places.lookup import governorate_of, lookup

__all__ = ["Place", "governorate_of", "lookup", "place_key"]
