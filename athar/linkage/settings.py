"""The Splink model as data: comparisons and blocking rules built from Athar's field definitions.

Everything here is declared with Splink's comparison-level creators (or SQL that Splink translates),
so the same settings run on DuckDB and on Spark. Names are compared on the cross-script keys from
`athar.names`, never on raw strings.
"""

from __future__ import annotations

from collections.abc import Callable

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from athar.names import CLOSE_KEY_JW, SIMILAR_KEY_JW
from athar.places.custody import FREE, HELD

DIALECT = "duckdb"  # the dialect our hand-written SQL is in; Splink translates it for Spark

# Records of different sex are never the same person: every blocking rule carries this test.
SAME_SEX_OR_UNKNOWN = "(l.sex = r.sex OR l.sex IS NULL OR r.sex IS NULL)"


def _sql(condition: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(condition, label_for_charts=label, base_dialect_str=DIALECT)


def _by_frequency(level: ComparisonLevelCreator, column: str) -> ComparisonLevelCreator:
    """`level` weighed by how common the value both sides share in `column` is.

    Splink's term-frequency adjustment on a level other than an exact match replaces the level's
    u by the share of rows holding the value (`disable_tf_exact_match_detection`): the level then
    weighs log2(m / share of the value), as an exact match does. So two spellings of a rare name
    that meet only on their skeleton (البومنور / Bu Mounawwar) count for nearly as much as the
    rare name written alike, and محمد / محمود, which share the commonest skeleton, count against.
    """
    return level.configure(tf_adjustment_column=column, disable_tf_exact_match_detection=True)


def _same_skeleton_and_shape(part: str) -> tuple[ComparisonLevelCreator, ComparisonLevelCreator]:
    """The levels where two spellings of a name `part` meet on their consonant skeleton (another
    transliteration), then on their dotless letter shapes (a scan's dots)."""
    skel, shape = f"{part}_skel", f"{part}_rasm"
    return (
        _sql(f"{skel}_l = {skel}_r", "same consonant skeleton"),
        _sql(f"{shape}_l = {shape}_r", "same letter shapes, dots aside (scan noise)"),
    )


def name_part(part: str, term_frequencies: bool = True) -> cl.CustomComparison:
    """Exact key, same consonant skeleton, same dotless shape (each weighted by how common the name
    is), close, similar, other."""
    key, skel, shape = f"{part}_key", f"{part}_skel", f"{part}_rasm"
    same_skeleton, same_shape = _same_skeleton_and_shape(part)
    if term_frequencies:
        same_skeleton, same_shape = _by_frequency(same_skeleton, skel), _by_frequency(same_shape, shape)
    return cl.CustomComparison(
        output_column_name=f"{part}_name",
        comparison_description=f"{part} name on its cross-script key",
        comparison_levels=[
            cll.NullLevel(key),
            cll.ExactMatchLevel(key, term_frequency_adjustments=term_frequencies),
            same_skeleton,
            same_shape,
            cll.JaroWinklerLevel(key, CLOSE_KEY_JW),
            cll.JaroWinklerLevel(key, SIMILAR_KEY_JW),
            cll.ElseLevel(),
        ],
    )


def mother() -> cl.CustomComparison:
    """The mother's given name: exact key (weighted by how common it is), the same consonant skeleton
    (another transliteration: Emna / آمنة), the same letter shapes (a scan's dots: صتاح / Sabah),
    close, other."""
    return cl.CustomComparison(
        output_column_name="mother_name",
        comparison_description="mother's given name on its cross-script key",
        comparison_levels=[
            cll.NullLevel("mother_key"),
            cll.ExactMatchLevel("mother_key", term_frequency_adjustments=True),
            *_same_skeleton_and_shape("mother"),
            cll.JaroWinklerLevel("mother_key", CLOSE_KEY_JW),
            cll.ElseLevel(),
        ],
    )


def _years_apart_allowed(column: Callable[[str, str], str]) -> tuple[str, str, str]:
    """The birth-date comparison's three loosest agreeing levels (within a year; within three, one
    side approximate; within seven, one side from an age), with each side's column written by
    `column(name, "l" or "r")`: the comparison's levels and the blocking rules' filter
    (`BIRTH_DATES_MAY_AGREE`) read the same windows from here. Every stricter level implies the
    first."""
    year_l, year_r = column("birth_year", "l"), column("birth_year", "r")
    precision_l, precision_r = column("birth_precision", "l"), column("birth_precision", "r")
    apart = f"ABS({year_l} - {year_r})"
    return (
        f"{apart} <= 1",
        f"{apart} <= 3 AND ({precision_l} IN ('year', 'age') OR {precision_r} IN ('year', 'age'))",
        f"{apart} <= 7 AND ({precision_l} = 'age' OR {precision_r} = 'age')",
    )


def birth_date() -> cl.CustomComparison:
    """Aware of precision: a year-only date agreeing with a full date is not a disagreement."""
    year_l, year_r = "birth_year_l", "birth_year_r"
    within_1, within_3, within_7 = _years_apart_allowed(lambda column, side: f"{column}_{side}")
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date, aware of each side's precision",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            _sql(
                "birth_precision_l = 'day' AND birth_precision_r = 'day' AND birth_date_l = birth_date_r",
                "same full date",
            ),
            _sql(
                "birth_precision_l = 'day' AND birth_precision_r = 'day' AND birth_year_l = birth_year_r "
                "AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r",
                "day and month swapped",
            ),
            _sql(f"{year_l} = {year_r} AND birth_month_l = birth_month_r", "same year and month"),
            _sql(
                f"{year_l} = {year_r} AND (birth_month_l IS NULL OR birth_month_r IS NULL)",
                "same year, one side year only",
            ),
            _sql(f"{year_l} = {year_r}", "same year, months differ"),
            _sql(within_1, "within 1 year"),
            _sql(within_3, "within 3 years, one side approximate"),
            _sql(within_7, "within 7 years, one side from an age"),
            cll.ElseLevel(),
        ],
    )


def _one_is(kind: str, order: Callable[[str, str], str]) -> str:
    """One record's event is of `kind`, the other's is not, and `order(that side, other side)` holds."""

    def one_way(side: str, other: str) -> str:
        return f"(event_kind_{side} = '{kind}' AND event_kind_{other} <> '{kind}' AND {order(side, other)})"

    return f"{one_way('l', 'r')} OR {one_way('r', 'l')}"


def _after(kind: str, years: int | None = None) -> str:
    """One record's event is of `kind` (the other's is not) and falls on or after the other's (by day
    where both have one, else by year; a month's slack), within `years` if given."""

    def order(later: str, earlier: str) -> str:
        days = f"event_day_{later} - event_day_{earlier}"
        by_year = f"event_year_{later} - event_year_{earlier}"
        if years is None:
            return f"COALESCE({days} >= -31, {by_year} >= 0)"
        return f"COALESCE({days} BETWEEN -31 AND {365 * years + 1}, {by_year} BETWEEN 0 AND {years})"

    return _one_is(kind, order)


def _before(kind: str) -> str:
    """One record's event is of `kind` (the other's is not) and falls plainly before the other's."""
    return _one_is(
        kind,
        lambda side, other: (
            f"COALESCE(event_day_{side} < event_day_{other} - 31, event_year_{side} < event_year_{other})"
        ),
    )


def event_date() -> cl.CustomComparison:
    """When each list saw the person: an arrest, a disappearance, a death, a return. Lists that
    record the same event agree within weeks. Events of different kinds are compared by their order
    (`features.EVENT_KINDS`): a death follows every other list's event, so found dead within a few
    years of an arrest is evidence and dead before being arrested is evidence against; a return
    follows the arrest or disappearance, often by years, which on its own says little."""
    return cl.CustomComparison(
        output_column_name="event_date",
        comparison_description="date of the event each list records",
        comparison_levels=[
            cll.NullLevel("event_year"),
            _sql("ABS(event_day_l - event_day_r) <= 31", "within a month"),
            _sql(
                "(event_day_l IS NULL OR event_day_r IS NULL) AND ABS(event_month_l - event_month_r) <= 1",
                "same or next month, a side without the day",
            ),
            _sql(_after("death", years=3), "a death within 3 years after the other event"),
            _sql(_after("death"), "a death years after the other event"),
            _sql(_before("death"), "a death before the other event"),
            _sql(_after("return"), "a return after the other event"),
            _sql(_before("return"), "a return before the other event"),
            _sql("event_year_l = event_year_r", "same year"),
            _sql("ABS(event_year_l - event_year_r) <= 2", "within 2 years"),
            cll.ElseLevel(),
        ],
    )


# The comparison of which lists a pair's records come from (`lists`).
LISTS_COMPARISON = "lists"


def _kinds_are(first: str, second: str) -> str:
    return (
        f"((event_kind_l = '{first}' AND event_kind_r = '{second}') OR "
        f"(event_kind_l = '{second}' AND event_kind_r = '{first}'))"
    )


def _custody(death: str) -> str:
    """One record is a death whose place is `death` (`HELD` or `FREE`), the other another list's
    event at a place of custody."""

    def one_way(side: str, other: str) -> str:
        return (
            f"(event_kind_{side} = 'death' AND event_custody_{side} = '{death}' AND "
            f"event_kind_{other} <> 'death' AND event_custody_{other} = '{HELD}')"
        )

    return f"({one_way('l', 'r')} OR {one_way('r', 'l')})"


def lists() -> cl.CustomComparison:
    """Which lists the two records come from: the same one, or two whose events are of given kinds.

    Two records of one list are less often one person than two records of two lists (a list seldom
    writes a person twice), and a morgue's death and a returnee's return cannot both be one living
    person's story; where a list's kind makes a pair likelier or less likely, Fellegi-Sunter says so
    through m and u like any other field (m: how true pairs fall among these levels, u: how random
    pairs do). Learnt by EM from the pass blocked on names only (`TrainingConfig.lists_learnt_from`):
    the passes blocked on national numbers or full birth dates see only the lists that record them.
    Without it, at 200,000 persons pairs within one list scored 0.99 were true one time in ten and
    morgue pairs scored 0.8 nine times in ten.
    """
    return cl.CustomComparison(
        output_column_name=LISTS_COMPARISON,
        comparison_description="the lists the two records come from",
        comparison_levels=[
            cll.NullLevel("source_dataset"),
            _sql("source_dataset_l = source_dataset_r", "same list"),
            _sql(_kinds_are("death", "return"), "a death and a return"),
            _sql(_custody(HELD), "a death in custody and another record of custody"),
            _sql(_custody(FREE), "a death outside custody and a record of custody"),
            _sql("(event_kind_l = 'death') <> (event_kind_r = 'death')", "a death and another event"),
            _sql("(event_kind_l = 'return') <> (event_kind_r = 'return')", "a return and another event"),
            cll.ElseLevel().configure(label_for_charts="two lists of events of one kind"),
        ],
    )


def national_id() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="national_id",
        comparison_description="national number",
        comparison_levels=[
            cll.NullLevel("national_id"),
            cll.ExactMatchLevel("national_id"),
            cll.LevenshteinLevel("national_id", 1),
            cll.ElseLevel(),
        ],
    )


def birth_place() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth_place",
        comparison_description="place of birth through the Syrian gazetteer",
        comparison_levels=[
            cll.NullLevel("birth_governorate_id"),
            cll.ExactMatchLevel("birth_place_id"),
            cll.ExactMatchLevel("birth_governorate_id"),
            cll.ElseLevel(),
        ],
    )


# The columns whose values' shares Splink counts for term-frequency adjustments (the name levels
# above); kept with each run, so that explain weighs names as the run did.
TERM_FREQUENCY_COLUMNS: tuple[str, ...] = (
    *(
        f"{part}_{kind}"
        for part in ("given", "father", "grandfather", "family")
        for kind in ("key", "skel", "rasm")
    ),
    "mother_key",
)


def _rule(*columns: str) -> str:
    return " AND ".join([*(f"l.{c} = r.{c}" for c in columns), SAME_SEX_OR_UNKNOWN])


# Two records' birth dates are unknown on a side or meet some level of `birth_date` other than its
# last ("else": years apart beyond what either side's precision allows, -10 bits in a trained model).
BIRTH_DATES_MAY_AGREE = "(l.birth_year IS NULL OR r.birth_year IS NULL OR {})".format(
    " OR ".join(f"({window})" for window in _years_apart_allowed(lambda column, side: f"{side}.{column}"))
)


def _born_alike(rule: str) -> str:
    """`rule`, less the pairs whose birth dates disagree (`BIRTH_DATES_MAY_AGREE`).

    For the rules that pair many namesakes (on two names, or a common family name): a pair that
    only such a rule finds, born years apart, scores below 0.01 whatever else it holds. At 200,000
    persons the seven rules so marked left out 799,606 of 1,541,784 pairs, 0.04% of them above 0.01
    and 11 true pairs above 0.05 (none above 0.9); scoring a pair costs more than
    testing its birth years in the join. The rules on three names keep them: there, one name
    written alike more can outweigh birth dates years apart."""
    return f"{rule} AND {BIRTH_DATES_MAY_AGREE}"


# Each rule is on cross-script keys, so a Latin and an Arabic spelling of a name fall in one block;
# each pairs a name with a second field so that blocks of common names (محمد) stay small.
BLOCKING_RULES: tuple[str, ...] = (
    _rule("given_key", "father_key", "family_key"),
    _rule("given_key", "family_key", "birth_year"),
    _born_alike(_rule("given_key", "father_key", "mother_key")),
    _rule("father_key", "family_key", "birth_year"),
    # names too common to block on alone at scale (محمد محمود, محمد الأحمد), with a third field: the
    # family name by its skeleton (a vowel or scan noise apart), the year of the event both lists saw
    _rule("given_key", "father_key", "family_skel"),
    _born_alike(_rule("given_key", "family_key", "event_year")),
    _rule("national_id"),
    _born_alike(_rule("given_family_block")),
    _born_alike(_rule("given_family_skel_block")),
    _born_alike(_rule("given_father_block")),
    # scan noise on both names at once (حليل شلوم for خليل سلوم), Latin names by their Arabic spelling
    _born_alike(_rule("given_family_rasm_block")),
    _born_alike(_rule("given_rasm_family_skel_block")),
    # scan noise in the father's and the family name of a register (مرنم مهند الحموت), the given
    # name read alike
    _rule("given_key", "father_rasm", "family_rasm"),
    _rule("birth_day_date", "father_key"),
    # a register scanned with noise in both the father's and the family name (كنابر for كنبر)
    _rule("birth_day_date", "given_key"),
    _rule("birth_day_date", "family_skel"),
    # No rule pairs a name read given-first with one read family-first ("Jendi Isa Muhammad"): a
    # name whose order is not marked is also scored in its other reading (`steps.score`), which the
    # rules above block; and a pair only a swapped rule found was compared name part by name part,
    # given against given, so it scored low anyway. At 200,000 persons the three swap rules made 27%
    # of the blocked pairs (0.57 of 2.11 million), 99% of them below 0.01, and of the true pairs no
    # other rule finds, one above 0.05 and none above 0.9.
)


def settings(probability_two_random_records_match: float = 1e-5) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            name_part("given"),
            name_part("father"),
            name_part("grandfather"),
            name_part("family"),
            mother(),
            birth_date(),
            event_date(),
            national_id(),
            birth_place(),
            lists(),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),  # type: ignore[arg-type]  # SQL strings: Splink takes them
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["source_dataset"],
        max_iterations=20,
    )
