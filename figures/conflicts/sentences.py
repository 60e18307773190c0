"""One sentence per flag, built from the rows: who said what, when, and why it cannot be true.

A sentence tells the flag's widest pair; a figure that looks miscopied is never that pair's
figure while another pair will do. It stays one that can be read aloud: readings, sources and
lines beyond a few are counted, not listed (the flag's lines and pairs hold every one).
"""

from __future__ import annotations

import numpy as np

from figures.arrays import distinct
from figures.conflicts.flags import gaps
from figures.conflicts.model import CODE_TITLES
from figures.conflicts.rules import certainly_before
from figures.conflicts.table import CUMULATIVE
from figures.conflicts.verdicts import Verdict
from figures.conflicts.words import Describer, day_label, some
from figures.vocabulary import WHOLE_GROUP


def _widest(words: Describer, pairs: np.ndarray) -> tuple[int, int]:
    """The pair with the widest gap, the one a sentence tells; not one with a figure that
    looks miscopied while another pair will do: a suspected slip must not be the headline of
    another flag."""
    suspect = words.suspect
    if suspect is not None:
        clean = pairs[~(suspect[pairs[:, 0]] | suspect[pairs[:, 1]])]
        pairs = clean if len(clean) else pairs
    gap, _ = gaps(words.table, pairs[:, 0], pairs[:, 1])
    a, b = pairs[int(np.argmax(gap))]
    return int(a), int(b)


def _more(count: int) -> str:
    if count <= 0:
        return ""
    return " 1 more figure takes part." if count == 1 else f" {count} more figures take part."


def self_sentence(same_source: str | None) -> str:
    return f" {same_source} gave figures that contradict each other." if same_source else ""


# ---------------------------------------------------------------------------------------------
# contradiction


def explain_contradiction(words: Describer, rows: list[int], same_source: str | None) -> str:
    t = words.table
    clauses = words.claims_by_value(rows)
    # The first clause is the highest reading, which cannot be "none" in a contradiction; it
    # names the quantity as that reading's source wrote the place.
    highest = words.by_reading(rows)[0]
    first = clauses[0].replace(" put it at ", f" put {words.quantity(highest)} at ", 1)
    sentence = "; ".join([first, *clauses[1:]])
    every = "both" if len(rows) == 2 else "all"
    sentence += f". The figures describe {words.time_span(rows)} and cannot {every} be true."
    # A late relay of a running total carries an older, lower reading: only a figure below
    # another can be one (the higher figure may simply be the total that had not moved).
    top = max(float(t.low[row]) for row in rows)
    lower = [row for row in rows if t.high[row] < top]
    return sentence + _late_relay_note(words, lower) + self_sentence(same_source)


# ---------------------------------------------------------------------------------------------
# decrease


def explain_decrease(words: Describer, pairs: np.ndarray, same_source: str | None) -> str:
    t = words.table
    odd = _in_every_pair(pairs)
    if odd is not None and not _mostly_late_relays(words, odd, pairs):
        return _explain_odd_total(words, odd, pairs) + self_sentence(same_source)
    a, b = _widest(words, pairs)
    earlier, later = (a, b) if certainly_before(t, a, b) else (b, a)
    text = (
        f"{words.who(later)} put {words.quantity(later)} {words.at(later)} as of "
        f"{words.as_of_text(later)}, below the {words.figure_of(earlier)} that "
        f"{words.who(earlier)} gave as of {words.as_of_text(earlier)}; a running total cannot "
        "fall."
    )
    return (
        text
        + _late_relay_note(words, [later], "The lower figure")
        + _more(len(distinct(pairs)) - 2)
        + self_sentence(same_source)
    )


def _in_every_pair(pairs: np.ndarray) -> int | None:
    """The figure every one of three or more pairs involves (the odd one out), if any."""
    if len(pairs) < 3:
        return None
    for candidate in (int(pairs[0, 0]), int(pairs[0, 1])):
        if ((pairs[:, 0] == candidate) | (pairs[:, 1] == candidate)).all():
            return candidate
    return None


def _mostly_late_relays(words: Describer, odd: int, pairs: np.ndarray) -> bool:
    """Whether most figures below an earlier odd one repeat readings the total had before:
    then they are late relays of older updates, and the odd figure is no fault of its own."""
    t = words.table
    others = np.where(pairs[:, 0] == odd, pairs[:, 1], pairs[:, 0]).tolist()
    if not certainly_before(t, odd, others[0]):
        return False
    first = words.first_reading
    late = [row for row in others if certainly_before(t, first.get(row, row), row)]
    return len(late) * 2 > len(others)


def _explain_odd_total(words: Describer, odd: int, pairs: np.ndarray) -> str:
    """One figure of a running total at odds with many others: it is the subject, and the
    others are counted, with the farthest named."""
    t = words.table
    others = np.where(pairs[:, 0] == odd, pairs[:, 1], pairs[:, 0])
    if certainly_before(t, odd, int(others[0])):
        side, reach, farthest = "above", "down to", int(others[np.argmin(t.high[others])])
        when, fault = "later", "its date or its number may be wrong"
    else:
        side, reach, farthest = "below", "up to", int(others[np.argmax(t.low[others])])
        when, fault = "earlier", "it may be an earlier figure relayed later, or miscopied"
    note = _late_relay_note(words, [odd], "It") if side == "below" else ""
    return (
        f"{words.who(odd)} put {words.quantity(odd)} {words.at(odd)} as of "
        f"{words.as_of_text(odd)}, {side} {len(others)} {when} figures of it, {reach} the "
        f"{words.figure_of(farthest)} that {words.who(farthest)} gave as of "
        f"{words.as_of_text(farthest)}. A running total cannot fall"
        + (f".{note}" if note else f": {fault}.")
    )


def _late_relay_note(words: Describer, rows: list[int], subject: str = "") -> str:
    """' Line 9 repeats one given as of 26 Sep 2023 (line 4): perhaps an earlier figure
    relayed later.' For a running total, an earlier figure relayed later and dated when it
    was published looks like a fall, or like a second figure for its day; the first such row
    is named. (A stock's estimate may well come back to an earlier level.)"""
    t = words.table
    for row in sorted(rows, key=lambda r: int(t.line[r])):
        first = words.first_reading.get(row, row)
        if t.kind[row] == CUMULATIVE and certainly_before(t, first, row):
            who = subject or f"Line {int(t.line[row])}"
            when = day_label(int(t.day[first]))
            if t.timed[first]:
                minute = int(t.minute[first])
                when += f", {minute // 60:02d}:{minute % 60:02d}"
            return (
                f" {who} repeats one given as of {when} (line {int(t.line[first])}): perhaps an "
                "earlier figure relayed later."
            )
    return ""


# ---------------------------------------------------------------------------------------------
# part-exceeds-whole


def explain_part(words: Describer, pairs: np.ndarray, same_source: str | None) -> str:
    t = words.table
    a, b = _widest(words, pairs)
    part, whole = (a, b) if t.low[a] > t.high[b] else (b, a)
    if t.metric[part] == t.metric[whole]:
        text = (
            f"{words.who(part)} put {words.quantity(part)} {words.at(part)} as of "
            f"{words.as_of_text(part)}, more than the {words.figure_of(whole)} that "
            f"{words.who(whole)} gave for {words.quantity(whole)} as of "
            f"{words.as_of_text(whole)}; a part cannot exceed its whole."
        )
    else:
        text = _explain_bound(words, part, whole)
    return text + _more(len(distinct(pairs)) - 2) + self_sentence(same_source)


def _explain_bound(words: Describer, part: int, whole: int) -> str:
    """A bounded metric above its bound: fled above the population before anyone left."""
    t, vocabulary = words.table, words.vocabulary
    bound = vocabulary.metrics[t.metric_name(whole)].label.lower()
    if t.group_name(whole) != WHOLE_GROUP:
        bound += f" ({vocabulary.group_label(t.group_name(whole)).lower()})"
    start = t.bounds[int(t.metric[part])]
    first_day = start.first_day.loc[t.place_key[part]]
    bounded_label = vocabulary.metrics[t.metric_name(part)].label.lower()
    if start.first_any_day.loc[t.place_key[part]] < first_day:
        bounded_label += " above zero"
    return (
        f"{words.who(part)} put {words.quantity(part)} {words.at(part)} as of "
        f"{words.as_of_text(part)}, more than the {bound} of {words.written(whole)} that "
        f"{words.who(whole)} gave as of {words.as_of_text(whole)}, before anyone left (the "
        f"first figure of {bounded_label}{' there' if words.cell('place', part) else ''} is "
        f"dated {day_label(int(first_day))})."
    )


# ---------------------------------------------------------------------------------------------
# likely-typo


# Updated several times a day: a reading without an hour may be another update. Not said of
# a reading that, read as written, clashes with other figures too.
_HEDGE = " A reading given without an hour may instead be another of that day's updates."


def explain_typo(
    words: Describer, rows: list[int], how: str, verdict: Verdict, explained: np.ndarray
) -> tuple[str, str | None]:
    """The sentence of a slip and the reading it calls probably right (as written), if any.
    `explained`: the pairs of other clashes the slip explains, told here."""
    t = words.table
    clauses = words.claims_by_value(rows)
    highest = words.by_reading(rows)[0]
    first = clauses[0].replace(" put it at ", f" put {words.quantity(highest)} at ", 1)
    text = (
        f"{'; '.join([first, *clauses[1:]])}. For {words.time_span(rows)} these look like one "
        f"number copied wrongly ({how})."
    )
    probable = None
    if verdict.value is None:
        text += " The data does not show which reading is right."
        if t.intraday[rows[0]] and not t.timed[rows].all() and not len(explained):
            text += _HEDGE
    else:
        probable_rows = [r for r in rows if int(t.value[r]) == verdict.value]
        other_rows = [r for r in rows if int(t.value[r]) != verdict.value]
        row = probable_rows[0]
        probable = words.written(row)
        text += f" {probable[:1].upper()}{probable[1:]} is probably right: {verdict.reason}."
        stamped = t.timed[probable_rows].any()
        if t.intraday[row] and stamped and not t.timed[other_rows].all() and not len(explained):
            text += _HEDGE
    if len(explained):
        text += _explained_clashes(words, rows, explained)
    return text, probable


def _explained_clashes(words: Describer, rows: list[int], explained: np.ndarray) -> str:
    t = words.table
    others = len({int(t.value[r]) for r in rows}) - 1
    other = "the other reading" if others == 1 else "the other readings"
    lines = sorted({int(line) for line in t.line[explained].ravel()} - set(t.line[rows]))
    if lines:
        return (
            f" Read as written, {other} also clashes with line(s) {some(lines, 3)}; those "
            "clashes are told here, not flagged apart."
        )
    every = "both" if others == 1 else "all"
    return (
        f" Read as written, the readings also cannot {every} be true at that moment; "
        "that is told here, not as a flag of its own."
    )


def same_source_readings(same_source: str | None) -> str:
    """Two readings of one source are a slip in its copy or two of its updates, not a
    contradiction: say whose they are."""
    return f" {same_source} gave more than one of these readings." if same_source else ""


# ---------------------------------------------------------------------------------------------
# A slip and the interval flags that share its pairs point at each other.


def lines_of_flags(words: Describer, by_line: list[np.ndarray], flags: list[int]) -> str:
    """The CSV lines of some flags (`by_line`: each flag's rows), for a sentence that points
    at them."""
    return some(distinct(np.concatenate([words.table.line[by_line[flag]] for flag in flags])))


def slips_in_this_flag(lines: str, slips: int, wholly: bool) -> str:
    """An interval flag's note on the `slips` likely-typo flags that share its pairs (their
    lines): a flag whose every pair a slip explains is its symptom; a dispute that a slip
    only joins is not, and must not read as one."""
    one = slips == 1
    text = f" Lines {lines} also look like " + (
        "one number copied wrongly; if it is a slip, "
        if one
        else "numbers copied wrongly; if they are slips, "
    )
    if wholly:
        return text + ("this flag is its symptom." if one else "this flag is their symptom.")
    return (
        text
        + "the disagreements they take part in may be "
        + ("its symptom." if one else "their symptoms.")
    )


def flags_of_this_slip(lines: str, codes: list[str], wholly: bool) -> str:
    """A likely-typo flag's note on the interval flags (their codes and lines) that share its
    pairs: wholly its symptoms, or disputes the slip only joins."""
    titles = sorted({CODE_TITLES[code].lower() for code in codes})
    one = len(codes) == 1
    return (
        f" {'The same' if wholly else 'These'} figures are also flagged as "
        f"{' and as '.join(titles)} (lines {lines}); "
        "if this is a slip, "
        + (
            ("that flag is its symptom." if one else "those flags are its symptoms.")
            if wholly
            else "their disagreements with these figures are its symptoms."
        )
    )
