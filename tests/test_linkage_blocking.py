"""Which pairs the blocking rules put before the model."""

from __future__ import annotations

from athar.linkage import model
from athar.linkage.engines import db_api_for
from athar.linkage.features import feature_frame


def _frame(records: list[dict]):
    return feature_frame(
        [{**r, "unique_id": i, "source_dataset": r["source"]} for i, r in enumerate(records)]
    )


def _blocked(
    records: list[dict], block_limit: int | None = None, bounded: frozenset[str] = frozenset()
) -> set[tuple[int, int]]:
    linker = model.make_linker(db_api_for("duckdb"), _frame(records))
    pairs = model.blocked_pairs(linker, block_limit, bounded).as_pandas_dataframe()
    return set(zip(pairs["join_key_l"].astype(int), pairs["join_key_r"].astype(int), strict=True))


def test_a_full_birth_date_and_a_given_name_block_a_pair_whose_other_names_were_scanned_badly():
    """A register scanned with noise in both the father's and the family name (كنبر read كنابر) still
    meets the returnee's record through the given name and the full birth date: at 200,000 persons
    961 true pairs met no rule before this one."""
    register = {"source": "detention", "given_name": "رجاء", "father_name": "كنابر", "family_name": "عدات"}
    returnee = {"source": "returnees", "given_name": "Raja", "father_name": "Kanbar", "family_name": "Oudi"}
    born = {"sex": "F", "birth_date": "1974-07-27"}
    other = {"source": "returnees", "given_name": "Raja", "father_name": "Kanbar", "family_name": "Oudi"}
    records = [{**register, **born}, {**returnee, **born}, {**other, "sex": "F", "birth_date": "1974-07-28"}]
    blocked = _blocked(records)
    assert (0, 1) in blocked
    assert (0, 2) not in blocked  # a day apart, the register's scanned names meet nothing


def test_a_rule_pairs_records_only_within_blocks_no_larger_than_the_limit():
    """Six Mohammad Ahmad al-Hassans, men of one name born in six different years, and two Omar
    Khalils: with a limit of five, the rule on given, father's and family name leaves the six's
    block alone (15 pairs), while the two of the small block are still paired, and a pair of the
    six that another rule finds in a small block (the same birth year, given and family name) is
    still blocked. Without a limit every pair of the six is blocked."""
    common = {"source": "families", "given_name": "Mohammad", "father_name": "Ahmad", "family_name": "Hassan"}
    six = [{**common, "sex": "M", "birth_date": str(1970 + i)} for i in range(6)]
    six[5]["birth_date"] = "1970"  # born the year the first was: the rule on the year blocks them
    six[5]["source"] = "detention"
    two = [
        {
            "source": "families",
            "given_name": "Omar",
            "father_name": "Khalil",
            "family_name": "Saleh",
            "sex": "M",
        },
        {
            "source": "detention",
            "given_name": "Omar",
            "father_name": "Khalil",
            "family_name": "Saleh",
            "sex": "M",
        },
    ]
    records = six + two
    unlimited = _blocked(records)
    assert {(a, b) for a in range(6) for b in range(a + 1, 6)} <= unlimited
    limited = _blocked(records, 5)
    assert (6, 7) in limited
    assert (0, 5) in limited
    assert not {(a, b) for a in range(5) for b in range(a + 1, 5)} & limited
    assert limited < unlimited


def test_the_keys_of_a_rule_are_its_top_level_equalities():
    """A rule's block is the columns it requires equal: not a condition within a disjunction, and
    the same within an incremental run's `(rule) AND r.is_new`."""
    from athar.linkage.settings import BLOCKING_RULES

    first = BLOCKING_RULES[0]
    assert model.equality_keys(first) == ("given_key", "father_key", "family_key")
    assert model.equality_keys(f"({first}) AND r.is_new") == ("given_key", "father_key", "family_key")
    assert model.equality_keys("l.national_id = r.national_id") == ("national_id",)
    assert model.equality_keys("l.a = r.a OR l.b = r.b") == ()
    assert model.equality_keys("(l.a = r.a OR l.b = r.b) AND l.c = r.c") == ("c",)
    assert model.equality_keys("l.a = r.b AND l.c = r.c") == ("c",)
    assert all(model.equality_keys(rule) for rule in BLOCKING_RULES)


def test_a_rule_on_a_block_column_known_to_be_small_is_not_counted():
    """The rare-pair block columns hold no block larger than `rare_name_pair_limit`, so blocking
    does not count them again: with a limit of 2 and those columns named bounded, three namesakes
    of one rare name pair are still paired by the rule on that column; counted, they are not."""
    from athar.linkage.features import rare_pair_block_columns

    three = [
        {
            "source": "families",
            "given_name": "Zuhair",
            "family_name": "Qabbani",
            "sex": "M",
            "birth_date": "1970",
        },
        {"source": "detention", "given_name": "Zuhair", "family_name": "Qabbani", "sex": "M"},
        {
            "source": "returnees",
            "given_name": "Zuhair",
            "family_name": "Qabbani",
            "sex": "M",
            "birth_date": "1971",
        },
    ]
    assert _frame(three)["given_family_block"].notna().all()
    assert {(0, 1), (1, 2)} <= _blocked(three, 2, rare_pair_block_columns())
    assert not _blocked(three, 2)
