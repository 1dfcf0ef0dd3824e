"""The search weighs a name agreeing by how common its key is among the records, as linkage does:
a rare name agreeing counts for more than محمد agreeing."""

import numpy as np
import pytest

from athar.search import PersonIndex, search
from athar.search.index import FAMILY, GIVEN
from athar.search.query import frequency_evidence


def _rec(pid: str, full: str) -> dict:
    return {"person_id": pid, "source": "test", "record_id": pid, "full_name": full, "sex": "M"}


def _index() -> PersonIndex:
    fathers = ["خالد", "سعيد", "ياسين", "عمر", "بكري", "حسن", "صالح", "نزار"]
    common = [_rec(f"P-{i}", f"محمد {father} الأحمد") for i, father in enumerate(fathers)]
    others = [
        _rec(f"P-{20 + i}", f"{given} {father} الحموي")
        for i, (given, father) in enumerate(zip(["أحمد", "عمر", "خالد", "علي"], fathers, strict=False))
    ]
    return PersonIndex.from_records([*common, *others, _rec("P-99", "زياد نزار القباني")])


def test_a_rare_name_agreeing_outranks_a_common_one_with_the_same_agreement():
    """The same query shape, given and family name, each agreeing exactly with the one person
    found: زياد القباني (a name one record holds) scores above محمد الأحمد (held by eight), though
    the part similarities are the same."""
    index = _index()
    rare = search(index, "زياد القباني", limit=1)[0]
    common = search(index, "محمد الأحمد", limit=1)[0]
    assert rare.reasons == common.reasons == ("given name: same", "family name: same")
    assert rare.score > common.score


def test_the_shares_are_counted_by_key_across_scripts():
    """محمد written in Latin letters counts with محمد: the shares are by cross-script key."""
    index = PersonIndex.from_records(
        [_rec("P-1", "محمد الأحمد"), _rec("P-2", "Mohammed Hamwi"), _rec("P-3", "Ziad Hamwi")]
    )
    share = {name: index.vocab_share[i] for i, name in enumerate(index.vocab)}
    mohammed = [s[GIVEN] for name, s in share.items() if name in ("محمد", "mohammed")]
    assert mohammed and all(s == 2 / 3 for s in mohammed)
    assert index.part_agreement[FAMILY] == (1 / 3) ** 2 + (2 / 3) ** 2


def test_frequency_evidence_only_for_agreeing_parts():
    """A part that does not agree gets nothing for how common the name is; one that agrees gets
    more the rarer its name, within bounds."""
    similarity = np.array([1.0, 1.0, 1.0, 0.5])
    share = np.array([0.5, 0.01, 1e-9, 1e-9])
    evidence = frequency_evidence(similarity, share, agreement=0.05)
    assert evidence[0] < 0 < evidence[1] < evidence[2]
    assert evidence[2] == 2.0  # bounded
    assert evidence[3] == 0.0


def test_in_a_handful_of_records_how_common_a_name_looks_counts_for_little():
    """Linkage's trust in a store's own frequencies (`athar.linkage.frequencies.trust`): in three
    records every name looks common, and the bits it would take off are mostly not taken; in the
    thirteen records above, a little more is."""
    tiny = PersonIndex.from_records(
        [_rec("P-1", "زياد القباني"), _rec("P-2", "زياد الحموي"), _rec("P-3", "عمر الحموي")]
    )
    larger = _index()
    assert 0 < tiny.part_trust[GIVEN] < larger.part_trust[GIVEN] < 0.5
    share = np.array([tiny.name_share(GIVEN, "زياد")])
    agreement = float(tiny.part_agreement[GIVEN])
    whole = frequency_evidence(np.ones(1), share, agreement)
    taken = frequency_evidence(np.ones(1), share, agreement, float(tiny.part_trust[GIVEN]))
    assert whole[0] < taken[0] < 0
    assert taken[0] == pytest.approx(whole[0] * tiny.part_trust[GIVEN])


def test_the_index_takes_names_frequencies_at_the_trust_of_the_stores_newest_linkage_run(store, tmp_path):
    """A store linked with a config that trusts its own frequencies sooner (a smaller half-trust)
    gives an index that weighs them so too."""
    from dataclasses import replace

    from athar.ingest import import_file
    from athar.linkage.config import DEFAULT_CONFIG
    from athar.linkage.run import LinkOptions, link

    path = tmp_path / "families.csv"
    rows = ["زياد القباني", "زياد الحموي", "عمر الحموي", "علي الحموي"]
    lines = "".join(f"F-{i},{name},M\n" for i, name in enumerate(rows))
    path.write_text("record_id,full_name,sex\n" + lines, encoding="utf-8")
    import_file(store, path, "families", kind="family_report")
    link(store, LinkOptions(full=True))
    before = PersonIndex.build(store).part_trust[GIVEN]
    assert before == pytest.approx(_index_trust(len(rows), DEFAULT_CONFIG.scoring.frequency_half_trust_rows))

    config = replace(DEFAULT_CONFIG, scoring=replace(DEFAULT_CONFIG.scoring, frequency_half_trust_rows=2))
    link(store, LinkOptions(full=True, config=config))
    after = PersonIndex.build(store).part_trust[GIVEN]
    assert after == pytest.approx(_index_trust(len(rows), 2))
    assert after > before


def _index_trust(rows: int, half: float) -> float:
    return rows**2 / (rows**2 + half**2)
