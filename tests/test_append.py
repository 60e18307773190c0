"""The one append function: checked rows, whole rows, the file's own conventions, and locking.

The promise under test: the file is the only record, so an append either adds exactly one whole
row that the checker accepts, or writes nothing; the old bytes are always an exact prefix of
the new file, whatever writes at the same moment or dies half-way.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import shutil
import signal
import threading
from pathlib import Path

import pandas as pd
import pytest

from figures.append import (
    BOM,
    AppendResult,
    append_figure,
    candidate_cells,
    validate_fields,
)
from figures.cells import encode_record
from figures.contract import COLUMNS
from figures.locking import LockTimeout, file_lock, lock_path_for
from figures.validation import load_figures
from figures.vocabulary import load_vocabulary
from tests.support import SEED_FIGURES

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = SEED_FIGURES  # the seed rows, frozen (tests/data/seed)
SHIPPED_ROWS = 13  # data rows in the shipped file; its next line is 15
VOCABULARY = load_vocabulary()

# A figure from the sources, with a quoted comma and inner quotes to exercise CSV quoting.
FIGURE: dict[str, str] = {
    "as_of": "2023-10-01",
    "metric": "fled",
    "group": "all",
    "qualifier": "more_than",
    "value": "100417",
    "place": "Nagorno-Karabakh",
    "reported_by": "Government of Armenia",
    "affiliation": "armenia",
    "outlet": "Reuters",
    "published": "2023-10-01",
    "url": "https://example.org/report",
    "quote": 'Armenia said 100,417 "forcibly displaced persons" had arrived',
    "notes": "Test row.",
}


def shipped_copy(tmp_path: Path) -> Path:
    path = tmp_path / "figures.csv"
    shutil.copyfile(SHIPPED, path)
    return path


def row_at(path: Path, line: int) -> pd.Series:
    rows = load_figures(path).rows
    match = rows[rows["line"] == line]
    assert len(match) == 1, f"no valid row at line {line}"
    return match.iloc[0]


def assert_reads_as(row: pd.Series, fields: dict[str, str]) -> None:
    """The loaded row says what the fields said (as the loader normalises them)."""
    for name in ("metric", "group", "qualifier", "place", "reported_by", "affiliation"):
        assert row[name] == (fields.get(name) or {"group": "all", "qualifier": "exact"}.get(name))
    for name in ("outlet", "url", "quote", "notes"):
        assert row[name] == fields.get(name, "")
    assert int(row["value"]) == int(fields["value"].replace(",", ""))
    assert row["as_of"] == pd.Timestamp(fields["as_of"])


# ---------------------------------------------------------------------------------------------
# A plain append.


def test_append_adds_one_whole_row_after_the_old_bytes(tmp_path: Path) -> None:
    path = shipped_copy(tmp_path)
    before = path.read_bytes()

    result = append_figure(path, FIGURE)

    assert result.written and result.errors == () and result.duplicate_of == ()
    assert result.line == SHIPPED_ROWS + 2
    after = path.read_bytes()
    assert after.startswith(before)
    assert after[len(before) :] == encode_record(list(result.cells.values()), "\n")
    assert after[len(before) :].startswith(b"2023-10-01,fled,all,more_than,100417,,")
    assert load_figures(path).errors == []
    assert_reads_as(row_at(path, result.line), FIGURE)
    assert result.figure is not None and result.figure.quote == FIGURE["quote"]
    assert lock_path_for(path) == tmp_path / "figures.csv.lock"


def test_cells_are_stored_in_the_vocabularys_spelling(tmp_path: Path) -> None:
    path = shipped_copy(tmp_path)
    result = append_figure(
        path, {**FIGURE, "metric": " Fled ", "value": "100,417", "affiliation": "ARMENIA"}
    )
    assert result.written
    assert (result.cells["metric"], result.cells["value"], result.cells["affiliation"]) == (
        "fled",
        "100417",
        "armenia",
    )


def test_a_missing_file_is_created_with_the_contract_header(tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    result = append_figure(path, FIGURE)
    assert result.written and result.created and result.line == 2
    lines = path.read_bytes().split(b"\n")
    assert lines[0] == ",".join(COLUMNS).encode()
    assert not path.read_bytes().startswith(BOM)
    assert_reads_as(row_at(path, 2), FIGURE)


def test_validate_fields_reports_at_the_given_line() -> None:
    errors = validate_fields({**FIGURE, "metric": "fleed"}, VOCABULARY, line=40)
    assert [(e.line, e.column, e.code) for e in errors] == [(40, "metric", "unknown-metric")]
    assert "did you mean 'fled'?" in errors[0].message


def test_fields_outside_the_contract_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="valeu"):
        candidate_cells({**FIGURE, "valeu": "1"}, VOCABULARY)


# ---------------------------------------------------------------------------------------------
# Refusals write nothing.


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"metric": "fleed"}, [("metric", "unknown-metric")]),
        ({"value": "100k"}, [("value", "bad-number")]),
        ({"value": "-5"}, [("value", "negative-value")]),
        ({"quote": ""}, [("quote", "missing-value")]),
        ({"qualifier": "range"}, [("value_high", "range-without-high")]),
        ({"value_high": "7"}, [("value_high", "high-without-range")]),
        ({"published": "2023-09-30"}, [("published", "published-before-as-of")]),
        ({"url": "ftp://example.org"}, [("url", "bad-url")]),
        ({"as_of": "30/09/2023"}, [("as_of", "bad-date")]),
    ],
)
def test_an_invalid_row_is_refused_with_the_checkers_message(
    tmp_path: Path, change: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    path = shipped_copy(tmp_path)
    before = path.read_bytes()

    result = append_figure(path, {**FIGURE, **change})

    assert not result.written
    assert [(e.column, e.code) for e in result.errors] == expected
    assert {e.line for e in result.errors} == {SHIPPED_ROWS + 2}
    # The same words the checker would print for that row in the file.
    alone = validate_fields({**FIGURE, **change}, VOCABULARY, line=SHIPPED_ROWS + 2)
    assert list(result.errors) == alone
    assert path.read_bytes() == before


def test_an_invalid_row_does_not_create_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    result = append_figure(path, {**FIGURE, "metric": "fleed"})
    assert not result.written and not path.exists()


def test_a_file_that_is_not_utf8_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    before = ",".join(COLUMNS).encode() + "\n2023-09-30,fled,,,5,,Stepanakert\xe9".encode("latin-1")
    path.write_bytes(before)
    result = append_figure(path, FIGURE)
    assert not result.written
    assert [e.code for e in result.errors] == ["encoding-error"]
    assert path.read_bytes() == before


def test_a_value_for_a_column_the_file_lacks_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    header = [name for name in COLUMNS if name != "notes"]
    path.write_bytes(encode_record(header, "\n"))
    result = append_figure(path, FIGURE)
    assert not result.written
    assert [(e.code, e.column) for e in result.errors] == [("missing-column", "notes")]
    assert path.read_bytes() == encode_record(header, "\n")
    # Without a value for it, the row goes in.
    assert append_figure(path, {**FIGURE, "notes": ""}).written


def shipped_fields(line: int) -> dict[str, str]:
    """The cells of one shipped row, as written in the file."""
    records = list(csv.DictReader(io.StringIO(SHIPPED.read_text(encoding="utf-8"))))
    return dict(records[line - 2])


def test_a_row_identical_to_an_existing_one_is_refused_even_when_allowed(tmp_path: Path) -> None:
    path = shipped_copy(tmp_path)
    before = path.read_bytes()
    for allow in (False, True):
        result = append_figure(path, shipped_fields(9), allow_duplicate=allow)
        assert not result.written
        assert result.duplicate_of == (9,)
        assert result.identical and not result.duplicate_can_be_allowed
        assert [e.code for e in result.errors] == ["duplicate-row"]
        assert "repeats line 9 cell for cell" in result.errors[0].message
        assert result.warnings == [
            "line 9 already records this figure in every column; the row was not added"
        ]
        assert path.read_bytes() == before


def test_a_row_that_reads_the_same_is_refused_unless_allowed(tmp_path: Path) -> None:
    # Line 3 leaves the qualifier blank (= exact); spelling it out is the same figure written
    # differently, which the checker would keep, so allow_duplicate may add it.
    path = shipped_copy(tmp_path)
    before = path.read_bytes()
    fields = {**shipped_fields(3), "qualifier": "exact"}

    refused = append_figure(path, fields)
    assert not refused.written and refused.duplicate_of == (3,)
    assert refused.duplicate_can_be_allowed and not refused.identical
    assert "line 3 already records this figure" in refused.errors[0].message
    assert path.read_bytes() == before

    allowed = append_figure(path, fields, allow_duplicate=True)
    assert allowed.written and allowed.duplicate_of == (3,)
    assert allowed.warnings == [
        "line 3 already records this figure in every column; the row was added anyway"
    ]
    assert load_figures(path).errors == []


# ---------------------------------------------------------------------------------------------
# Formulas.


def test_formula_looking_text_is_stored_behind_an_apostrophe_and_reads_back(
    tmp_path: Path,
) -> None:
    path = shipped_copy(tmp_path)
    before = path.read_bytes()
    fields = {
        **FIGURE,
        "place": "@A1",
        "reported_by": "-Someone",
        "outlet": "+Outlet",
        "quote": '=HYPERLINK("http://example.org","click")',
        "notes": "=1+1",
    }
    result = append_figure(path, fields)
    assert result.written
    added = path.read_bytes()[len(before) :].decode()
    for stored in ("'@A1", "'-Someone", "'+Outlet", '"\'=HYPERLINK(""http', "'=1+1"):
        assert stored in added
    assert_reads_as(row_at(path, result.line), fields)


def test_an_apostrophe_the_analyst_typed_before_a_formula_is_kept(tmp_path: Path) -> None:
    # A quote that begins "'=1+1 said the source" reads back with its apostrophe: the tool
    # puts its own in front, and the loader removes only that one (issue #17: it was lost).
    path = shipped_copy(tmp_path)
    fields = {**FIGURE, "quote": "'=1+1 said the source", "notes": "''@x"}
    result = append_figure(path, fields)
    assert result.cells["quote"] == "''=1+1 said the source"
    assert result.cells["notes"] == "'''@x"
    assert row_at(path, result.line)["quote"] == "'=1+1 said the source"
    assert row_at(path, result.line)["notes"] == "''@x"


# ---------------------------------------------------------------------------------------------
# Files saved by spreadsheets keep their bytes and conventions.

SPREADSHEET_HEADER = ["Quote", "as_of", "metric", "value", "reported_by", "affiliation"]
SPREADSHEET_TAIL = ["outlet", "qualifier", "extra"]
SPREADSHEET_ROWS = [
    [
        "Line one\nline two, with a comma",
        "2023-09-25",
        "arrived",
        "2,900",
        "Armenian authorities in Yerevan",
        "armenia",
        "Brussels Signal",
        "more_than",
        "kept",
    ],
    ["Մարդիկ «հեռացան»", "2023-09-28", "arrived", "2000", "TASS", "russia", "TASS", "", ""],
]


def spreadsheet_bytes(bom: bool, newline: str, final_newline: bool) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(SPREADSHEET_HEADER + SPREADSHEET_TAIL)
    writer.writerows(SPREADSHEET_ROWS)
    text = out.getvalue()
    if not final_newline:
        text = text.removesuffix(newline)
    return (BOM if bom else b"") + text.encode("utf-8")


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
@pytest.mark.parametrize("final_newline", [True, False], ids=["final-newline", "no-final"])
def test_spreadsheet_files_stay_byte_identical_apart_from_the_new_line(
    tmp_path: Path, bom: bool, newline: str, final_newline: bool
) -> None:
    path = tmp_path / "figures.csv"
    before = spreadsheet_bytes(bom, newline, final_newline)
    path.write_bytes(before)
    fields = {name: FIGURE[name] for name in FIGURE if name in SPREADSHEET_HEADER[1:]}
    fields |= {"quote": "Two\nlines, and a comma", "outlet": "Reuters", "qualifier": "about"}

    result = append_figure(path, fields)

    assert result.written, result.errors
    after = path.read_bytes()
    assert after.startswith(before)
    # The independent reference: Python's csv writer in the file's column order and style.
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator=newline).writerow(
        [fields["quote"], *(fields[n] for n in SPREADSHEET_HEADER[1:]), "Reuters", "about", ""]
    )
    separator = b"" if final_newline else newline.encode()
    assert after == before + separator + expected.getvalue().encode("utf-8")
    assert after.count(BOM) == (1 if bom else 0)
    assert list(result.cells) == ["quote", *SPREADSHEET_HEADER[1:], *SPREADSHEET_TAIL]
    # Line numbers count the quoted newlines, as an editor shows them.
    assert result.line == 5
    loaded = load_figures(path)
    assert [e.code for e in loaded.errors] == ["unknown-column"]  # the `extra` column, as before
    assert list(loaded.rows["line"]) == [2, 4, 5]
    assert row_at(path, 5)["quote"] == "Two\nlines, and a comma"


def test_a_crlf_ending_cut_after_its_cr_is_completed_not_doubled(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    before = spreadsheet_bytes(False, "\r\n", True).removesuffix(b"\n")
    path.write_bytes(before)
    fields = {name: FIGURE[name] for name in FIGURE if name in SPREADSHEET_HEADER[1:]}
    result = append_figure(path, {**fields, "quote": "q", "outlet": "o"})
    assert result.written and result.line == 5
    assert path.read_bytes().startswith(before + b"\nq,2023-10-01,")


# ---------------------------------------------------------------------------------------------
# Concurrency: every row whole, none lost, none interleaved.

# Four processes started together, each appending in a loop, overlap for most of their run:
# enough to catch a lost, torn or misnumbered row; more writers only cost start-up time.
WRITERS = 4
ROWS_EACH = 10


def concurrent_fields(writer: int, index: int) -> dict[str, str]:
    return {
        **FIGURE,
        "value": str(1000 * writer + index),
        # Text long enough that a torn write would show, with quoting and a formula in it.
        "quote": f'Writer {writer} said "{index}", with a comma; ' + "x" * 300,
        "place": "=formula" if index % 7 == 0 else "Armenia",
        "notes": f"writer {writer} row {index}",
    }


def _concurrent_writer(path: str, writer: int, start: multiprocessing.synchronize.Barrier) -> None:
    # Every writer waits here until all are ready, so their appends overlap.
    start.wait(timeout=120)
    for index in range(ROWS_EACH):
        result = append_figure(path, concurrent_fields(writer, index), lock_timeout=300)
        if not result.written:
            raise SystemExit(f"writer {writer} row {index} refused: {result.errors}")


def test_concurrent_writers_lose_nothing_and_interleave_nothing(tmp_path: Path) -> None:
    path = shipped_copy(tmp_path)
    before = path.read_bytes()
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WRITERS)
    processes = [
        context.Process(target=_concurrent_writer, args=(str(path), writer, start))
        for writer in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=600)
    assert [process.exitcode for process in processes] == [0] * WRITERS

    after = path.read_bytes()
    assert after.startswith(before)
    loaded = load_figures(path)
    assert loaded.errors == []
    added = loaded.rows[loaded.rows["line"] > SHIPPED_ROWS + 1]
    assert len(added) == WRITERS * ROWS_EACH
    # One physical line per row: nothing torn apart or glued together.
    assert after[len(before) :].count(b"\n") == WRITERS * ROWS_EACH
    first = SHIPPED_ROWS + 2
    assert list(added["line"]) == list(range(first, first + WRITERS * ROWS_EACH))
    seen = {}
    for _, row in added.iterrows():
        writer, index = divmod(int(row["value"]), 1000)
        assert (writer, index) not in seen
        seen[(writer, index)] = int(row["line"])
        assert_reads_as(row, concurrent_fields(writer, index))
    assert set(seen) == {(w, i) for w in range(WRITERS) for i in range(ROWS_EACH)}
    # Each writer's own rows keep the order it wrote them in.
    for writer in range(WRITERS):
        lines = [seen[(writer, index)] for index in range(ROWS_EACH)]
        assert lines == sorted(lines)


def test_threads_of_one_process_take_turns_too(tmp_path: Path) -> None:
    # The dashboard serves every session from threads of one process.
    path = shipped_copy(tmp_path)
    start = threading.Barrier(4)
    failures: list[str] = []

    def write(writer: int) -> None:
        start.wait(timeout=60)
        for index in range(10):
            result = append_figure(path, concurrent_fields(writer, index), lock_timeout=120)
            if not result.written:
                failures.append(f"{writer}/{index}: {result.errors}")

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    loaded = load_figures(path)
    assert loaded.errors == []
    assert list(loaded.rows["line"]) == list(range(2, 2 + SHIPPED_ROWS + 40))


# ---------------------------------------------------------------------------------------------
# Locks and killed writers.


def test_a_held_lock_times_out_with_a_message_naming_the_lock_file(tmp_path: Path) -> None:
    path = shipped_copy(tmp_path)
    before = path.read_bytes()
    # flock belongs to an open file, so a second open in this same process is refused too,
    # which is also what keeps two dashboard sessions (threads) apart.
    with file_lock(path), pytest.raises(LockTimeout) as caught:
        append_figure(path, FIGURE, lock_timeout=0.2)
    message = str(caught.value)
    assert str(lock_path_for(path)) in message
    assert f"(process {os.getpid()})" in message
    assert path.read_bytes() == before


def _die_mid_append(
    path: str, cut_after: bytes, ready: multiprocessing.synchronize.Event, never: object
) -> None:
    """Take the lock, write the start of a row, then wait to be killed holding the lock.

    `append_figure` writes a row with one write call, which a kill cannot split; a half row
    is what another program (an editor, a full disk, a crash mid-save) can leave. Writing it
    here under the lock puts the file in that state with the lock held at the moment of death.
    """
    fields = {**FIGURE, "reported_by": "Half Reporter", "quote": "Cut, inside the quote"}
    record = encode_record(list(candidate_cells(fields, load_vocabulary()).values()), "\n")
    with file_lock(path):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.write(fd, record[: record.index(cut_after) + len(cut_after)])
        os.fsync(fd)
        ready.set()
        never.wait()  # type: ignore[attr-defined]  # an Event nobody sets


def kill_mid_append(path: Path, cut_after: bytes) -> None:
    context = multiprocessing.get_context("spawn")
    ready, never = context.Event(), context.Event()
    child = context.Process(target=_die_mid_append, args=(str(path), cut_after, ready, never))
    child.start()
    try:
        assert ready.wait(timeout=120), "the writer never reached the middle of its append"
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    finally:
        child.join(timeout=120)
    assert child.exitcode == -signal.SIGKILL


def test_a_writer_killed_mid_row_leaves_earlier_rows_intact_and_later_appends_work(
    tmp_path: Path,
) -> None:
    path = shipped_copy(tmp_path)
    original = load_figures(path).rows
    before = path.read_bytes()

    kill_mid_append(path, b"Half")  # the file now ends "...,Half" with no line ending

    # Loadable, every earlier row intact, the half row a line-numbered error of its own.
    broken = load_figures(path)
    pd.testing.assert_frame_equal(broken.rows, original)
    assert {e.line for e in broken.errors} == {15}
    assert {(e.column, e.code) for e in broken.errors} >= {("outlet", "missing-value")}

    # The dead writer's lock is gone with it: a short timeout is enough.
    result = append_figure(path, FIGURE, lock_timeout=5)
    assert result.written and result.line == 16
    assert result.notes == (
        "the file's last line had no line ending; one was added before the row",
    )
    after = path.read_bytes()
    assert after.startswith(before)
    half = after[len(before) : after.index(b"\n", len(before))]
    assert half.endswith(b",Half")
    # The half row stays visible as its own error line (an analyst finishes or deletes it),
    # rather than being glued to the new row, which loads whole.
    fixed = load_figures(path)
    assert {e.line for e in fixed.errors} == {15}
    assert_reads_as(row_at(path, 16), FIGURE)
    pd.testing.assert_frame_equal(fixed.rows[fixed.rows["line"] < 15], original)


def test_a_half_row_cut_inside_quotes_blocks_appends_until_fixed(tmp_path: Path) -> None:
    # Cut inside a quoted value, anything appended would become part of that value. The tool
    # will not guess how it ends: it refuses, names the line, and writes nothing.
    path = shipped_copy(tmp_path)
    original = load_figures(path).rows
    kill_mid_append(path, b'"Cut,')
    before = path.read_bytes()

    broken = load_figures(path)
    pd.testing.assert_frame_equal(broken.rows, original)
    assert [(e.line, e.code) for e in broken.errors] == [(15, "unclosed-quote")]

    result = append_figure(path, FIGURE, lock_timeout=5)
    assert not result.written
    assert [(e.line, e.code) for e in result.errors] == [(15, "unclosed-quote")]
    assert "close the quote on line 15" in result.errors[0].message
    assert path.read_bytes() == before

    # Once someone finishes the row by hand, appends work again.
    with path.open("ab") as handle:
        handle.write(b' inside the quote",Notes\n')
    assert append_figure(path, FIGURE, lock_timeout=5).written


def test_result_type_is_frozen() -> None:
    result = AppendResult(path=Path("x"), written=False, line=2, cells={})
    with pytest.raises(AttributeError):
        result.written = True  # type: ignore[misc]
