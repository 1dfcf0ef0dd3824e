"""The generator's hand-made tables (athar/synth/data/*.tsv): well-formed, documented, consistent."""

import re
from pathlib import Path

import pytest

from athar.synth import tables

DATA = Path(tables.__file__).parent / "data"
TABLE_NAMES = sorted(p.name for p in DATA.glob("*.tsv"))


def test_every_table_is_described_in_the_readme_and_every_described_table_exists():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    described = set(re.findall(r"`([a-z_]+\.tsv)`", readme))
    assert described == set(TABLE_NAMES)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_table_reads_with_rows_as_wide_as_its_header(name):
    rows = tables.read(name)
    assert rows
    assert all(field == field.strip() for row in rows for field in row)


def test_a_row_narrower_than_the_header_is_refused(tmp_path, monkeypatch):
    (tmp_path / "narrow_for_test.tsv").write_text("arabic\tweight\nفرع 215\t6\nسجن صيدنايا\n", "utf-8")
    monkeypatch.setattr(tables, "DATA", tmp_path)
    with pytest.raises(ValueError, match="line 3: 1 fields"):
        tables.read("narrow_for_test.tsv")


def test_governorate_keys_of_towns_and_regions_are_governorates():
    keys = {row[0] for row in tables.read("governorates.tsv")}
    assert {row[0] for row in tables.read("towns.tsv")} <= keys
    for name in ("family_other.tsv", "family_clans.tsv", "family_minorities.tsv"):
        assert {key for row in tables.read(name) for key in row[3].split()} <= keys, name


def test_forefathers_are_known_names_in_known_forms():
    names = {row[0] for row in tables.read("given_male.tsv")}
    names |= {row[0] for row in tables.read("family_roots.tsv")}
    names |= {ar[2:] if article == "1" else ar for ar, _, _, article, _ in tables.read("family_common.tsv")}
    rows = tables.read("family_forefathers.tsv")
    assert {row[1] for row in rows} == {"nisba", "albu", "hajj", "shaykh", "agha"}
    assert {row[0] for row in rows} <= names


def test_town_nisbas_are_of_listed_towns():
    towns = {row[1] for row in tables.read("towns.tsv")}
    assert {row[0] for row in tables.read("town_nisbas.tsv")} <= towns
