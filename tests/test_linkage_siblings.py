"""Likely brothers and sisters are kept apart unless a reviewer says they are one person."""

from athar.linkage.cluster import cluster
from athar.linkage.features import feature_frame
from athar.linkage.siblings import sibling_pairs


def _frame(*names: tuple[str, str | None, str]):
    return feature_frame(
        [
            {
                "unique_id": i,
                "source_dataset": "families",
                "given_name": g,
                "father_name": f,
                "family_name": fam,
            }
            for i, (g, f, fam) in enumerate(names)
        ],
        roles={},
    )


def test_plainly_different_given_names_with_the_same_father_and_family_are_siblings():
    frame = _frame(
        ("Saleh", "Yacine", "Al-Armanazi"),  # 0
        ("Hussein", "Yassin", "الأرمنازي"),  # 1: his brother, the family name in Arabic
        ("Salih", "Yasin", "Armanazi"),  # 2: Saleh again, spelled otherwise
        ("مجمد", "ياسين", "الأرمنازي"),  # 3: a scan of محمد
        ("محمد", "ياسين", "الأرمنازي"),  # 4
        ("Hussein", None, "Al-Armanazi"),  # 5: no father: cannot tell
    )
    pairs = [(0, 1, 0.99), (0, 2, 0.99), (3, 4, 0.99), (1, 5, 0.99), (0, 4, 0.4)]
    assert sibling_pairs(frame, pairs) == [(0, 1)]


def test_records_missing_the_fathers_name_are_never_siblings():
    """Both missing a father's name is no agreement on it (pandas once read the missing names as
    NaN, equal to itself: at 1,000,000 persons two such pairs were kept apart, one at p 0.987)."""
    import pandas as pd

    frame = _frame(("Hassan", None, "Armanazi"), ("Qutaiba", None, "Armanazi"), ("Omar", "Yasin", "Zubi"))
    assert frame["father_skel"][:2].isna().all()
    as_strings = frame.astype({c: "string" for c in ("given_key", "given_skel", "given_rasm", "father_skel")})
    for rows in (
        frame,
        as_strings,
        frame.assign(father_skel=pd.Series([float("nan")] * 2 + ["ysn"], dtype=object)),
    ):
        assert sibling_pairs(rows, [(0, 1, 0.99)]) == []
    # the same pair with its father's name written is a brother and sister
    assert sibling_pairs(
        _frame(("Hassan", "Yasin", "Armanazi"), ("Qutaiba", "Yasin", "Armanazi")), [(0, 1, 0.99)]
    )


def test_a_pair_kept_apart_stays_apart_unless_a_reviewer_joins_it():
    nodes = ["a", "b", "c"]
    pairs = [("a", "b", 0.99), ("b", "c", 0.95)]
    apart = cluster(nodes, pairs, 0.9, kept_apart=[("a", "b")]).cluster_of
    assert apart["a"] != apart["b"] and apart["b"] == apart["c"]
    joined = cluster(nodes, pairs, 0.9, must_link=[("a", "b")], kept_apart=[("a", "b")])
    assert joined.cluster_of["a"] == joined.cluster_of["b"] == joined.cluster_of["c"]
    assert not joined.conflicts


def test_names_the_dictionary_knows_apart_are_siblings_however_close_their_letters():
    frame = _frame(
        ("محمد", "خالد", "الزعبي"),  # 0
        ("Mahmoud", "Khaled", "Al-Zoubi"),  # 1: his brother: the same skeleton (mhmd), another name
        ("حسن", "خالد", "الزعبي"),  # 2: another brother
        ("Husein", "Khaled", "Zoubi"),  # 3: and another, close to Hasan
        ("Hassan", "Khaled", "Al-Zoubi"),  # 4: حسن or حسان: the spelling writes both
        ("حسان", "خالد", "الزعبي"),  # 5
    )
    pairs = [(0, 1, 0.97), (2, 3, 0.95), (4, 5, 0.95), (2, 4, 0.99)]
    assert sibling_pairs(frame, pairs) == [(0, 1), (2, 3)]


def test_pairs_below_the_configured_probability_are_not_checked():
    from athar.linkage.config import SiblingConfig

    frame = _frame(("Saleh", "Yacine", "Al-Armanazi"), ("Hussein", "Yassin", "الأرمنازي"))
    assert sibling_pairs(frame, [(0, 1, 0.8)], SiblingConfig(check_from=0.9)) == []
    assert sibling_pairs(frame, [(0, 1, 0.8)], SiblingConfig(check_from=0.7)) == [(0, 1)]


def test_names_the_dictionary_does_not_know_are_siblings_when_no_level_calls_them_alike():
    """Given names the dictionary cannot tell apart (it holds neither) are siblings' names when the
    model would count them as agreeing on no level: other keys, skeletons and shapes, and a
    Jaro-Winkler similarity below the "similar" level."""
    frame = _frame(
        ("Qutaiba", "Yacine", "Al-Armanazi"),  # 0
        ("Zuhair", "Yassin", "الأرمنازي"),  # 1: his brother
        ("Yaman", "Yasin", "Armanazi"),  # 2: another brother
        ("Ghayth", "Yasin", "Armanazi"),  # 3
        ("Ghaith", "Yasin", "Armanazi"),  # 4: Ghayth again, spelled otherwise
    )
    pairs = [(0, 1, 0.99), (0, 2, 0.99), (3, 4, 0.99)]
    assert sibling_pairs(frame, pairs) == [(0, 1), (0, 2)]


def _siblings_pair_by_pair(frame, pairs, config):
    """`sibling_pairs` as it was written before it set most pairs aside on the columns' codes: every
    pair read name by name (the oracle the faster one must agree with)."""
    from rapidfuzz.distance import JaroWinkler

    from athar.names import distinct_names

    def text(value):
        return value if isinstance(value, str) and value else None

    columns = ("given_key", "given_skel", "given_rasm", "father_skel", "family_skel")
    rows = list(zip(*([text(v) for v in frame[c].tolist()] for c in columns), strict=True))
    out = []
    for a, b, probability in pairs:
        if probability < config.check_from:
            continue
        given_a, skel_a, shape_a, father_a, family_a = rows[a]
        given_b, skel_b, shape_b, father_b, family_b = rows[b]
        if not (given_a and given_b and father_a and family_a):
            continue
        if (father_a, family_a) != (father_b, family_b) or given_a == given_b:
            continue
        if shape_a and shape_a == shape_b:
            continue
        unlike = JaroWinkler.similarity(given_a, given_b) < config.different_given_below_jw
        if distinct_names(given_a, given_b) or (skel_a != skel_b and unlike):
            out.append((a, b))
    return out


def test_siblings_equal_the_pair_by_pair_reading_on_random_records():
    import random

    import pandas as pd

    from athar.linkage.config import SiblingConfig
    from athar.names import name_key

    rng = random.Random(11)
    given = ["محمد", "محمود", "حسن", "حسين", "Hassan", "Qutaiba", "Zuhair", "Yaman", "Ghayth", "Ghaith"]
    config = SiblingConfig()
    found = 0
    for trial in range(80):
        n = rng.choice([0, 1, 2, 10, 60])
        names = [rng.choice([*given, None, ""]) for _ in range(n)]
        frame = pd.DataFrame(
            {
                "given_key": [name_key(g) if g else g for g in names],
                "given_skel": [rng.choice([None, "", "mhmd", "hsn", "ktb"]) for _ in range(n)],
                "given_rasm": [rng.choice([None, "", "x", "y"]) for _ in range(n)],
                "father_skel": [rng.choice([None, "", "ysn", "ysn", "ysn", "kld"]) for _ in range(n)],
                "family_skel": [rng.choice([None, float("nan"), "", *["rmnz"] * 4, "zb"]) for _ in range(n)],
            },
            dtype=object if trial % 2 else None,  # as the link step's rows hold them, or strings
        )
        pairs = [(*rng.sample(range(n), 2), rng.random()) for _ in range(3 * n)] if n >= 2 else []
        expected = _siblings_pair_by_pair(frame, pairs, config)
        assert sibling_pairs(frame, pairs, config) == expected, trial
        found += len(expected)
    assert found > 20
