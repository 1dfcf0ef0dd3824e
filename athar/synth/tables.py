"""The synthetic generator's hand-made tables: names, places and their weights, read from ``data/``.

Each table is a UTF-8 TSV file with a header line and no quoting; ``data/README.md`` gives every
file's columns, where it came from and its licence.  A table is read once per process and its rows
returned as tuples of strings, in file order (order matters: it ranks names and seeds the
generator's fixed draws, so the same files always make the same people).
"""

from functools import cache
from importlib import resources

DATA = resources.files("athar.synth") / "data"

Row = tuple[str, ...]


@cache
def read(name: str) -> tuple[Row, ...]:
    """The rows of ``data/<name>`` after its header; every row has the header's number of fields."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    width = len(lines[0].split("\t"))
    rows = tuple(tuple(line.split("\t")) for line in lines[1:] if line)
    for number, row in enumerate(rows, start=2):
        if len(row) != width:
            raise ValueError(f"{name} line {number}: {len(row)} fields, the header has {width}")
    return rows
