"""`python -m figures add`, run as analysts run it: in a subprocess, on a copy of the shipped file.

The prompting mode runs in a real pseudo-terminal (the `pty` module), answering each prompt as
it appears; `prompt_fields` is also tested directly with stand-in input and output functions.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from figures.cli.add import prompt_fields
from figures.validation import load_figures
from figures.vocabulary import load_vocabulary
from tests.support import SEED_FIGURES

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = SEED_FIGURES  # the seed rows, frozen (tests/data/seed)
NEXT_LINE = 15  # the shipped file has 13 rows under its header

OPTIONS = [
    "--as-of", "2023-10-01",
    "--metric", "arrived",
    "--qualifier", "more_than",
    "--value", "100,417",
    "--place", "Armenia",
    "--reported-by", "Government of Armenia",
    "--affiliation", "armenia",
    "--outlet", "Reuters",
    "--published", "2023-10-01",
    "--url", "https://example.org/arrivals",
    "--quote", "More than 100,417 people have arrived",
]  # fmt: skip


@pytest.fixture
def figures_file(tmp_path: Path) -> Path:
    path = tmp_path / "figures.csv"
    shutil.copyfile(SHIPPED, path)
    return path


def add(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "figures", "add", "--file", str(path), *options],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,  # not a terminal: no prompts
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_add_prints_the_new_line_and_writes_the_row(figures_file: Path) -> None:
    before = figures_file.read_bytes()
    done = add(figures_file, *OPTIONS)
    assert done.returncode == 0, done.stderr
    assert f"{figures_file}:{NEXT_LINE}: added as line {NEXT_LINE}: People who arrived, " in (
        done.stdout
    )
    assert "more than 100,417" in done.stdout
    after = figures_file.read_bytes()
    assert after.startswith(before)
    assert after[len(before) :] == (
        b"2023-10-01,arrived,,more_than,100417,,Armenia,Government of Armenia,armenia,Reuters,"
        b'2023-10-01,https://example.org/arrivals,"More than 100,417 people have arrived",\n'
    )
    assert load_figures(figures_file).errors == []


def test_add_reports_the_conflicts_the_new_figure_takes_part_in(figures_file: Path) -> None:
    # Lines 12-14 say 0 and about 10,000 Armenian troops on 19 September; 5,000 disagrees.
    done = add(
        figures_file,
        *["--as-of", "2023-09-19", "--metric", "troops", "--value", "5000"],
        *["--place", "Nagorno-Karabakh", "--reported-by", "A reporter", "--affiliation"],
        *["media", "--outlet", "An outlet", "--quote", "5,000 troops"],
        *["--url", "https://example.org/troops"],
    )
    assert done.returncode == 0, done.stderr
    conflicts = [line for line in done.stdout.splitlines() if " conflict " in line]
    assert conflicts, done.stdout
    assert conflicts[0].startswith(f"{figures_file}:{NEXT_LINE}: conflict contradiction with ")
    assert "12" in conflicts[0] and "13" in conflicts[0]


def test_an_invalid_row_is_refused_in_compiler_form_and_nothing_is_written(
    figures_file: Path,
) -> None:
    before = figures_file.read_bytes()
    options = list(OPTIONS)
    options[options.index("arrived")] = "arived"
    options[options.index("100,417")] = "100k"
    done = add(figures_file, *options)
    assert done.returncode == 1
    assert f"{figures_file}:{NEXT_LINE}: metric: 'arived' is not a known metric; did you mean " in (
        done.stderr
    )
    assert f"{figures_file}:{NEXT_LINE}: value: '100k' is not a whole number" in done.stderr
    assert f"{figures_file}: nothing written" in done.stderr
    assert figures_file.read_bytes() == before


def test_missing_fields_without_a_terminal_are_an_error(figures_file: Path) -> None:
    before = figures_file.read_bytes()
    done = add(figures_file, "--as-of", "2023-10-01", "--metric", "fled", "--value", "5")
    assert done.returncode == 1
    assert f"{figures_file}:{NEXT_LINE}: quote: quote is empty; every row needs one" in done.stderr
    assert "missing --reported-by --affiliation --outlet --quote" in done.stderr
    assert figures_file.read_bytes() == before


def test_a_duplicate_is_refused_and_allowed_only_when_it_differs_as_written(
    figures_file: Path,
) -> None:
    # Line 3 (the 102 children) leaves the qualifier blank; "exact" reads the same.
    children = [
        *["--as-of", "2023-09-24", "--metric", "evacuated", "--group", "children"],
        *["--qualifier", "exact", "--value", "102", "--place", "Nagorno-Karabakh"],
        *["--reported-by", "Russian Ministry of Defence", "--affiliation", "russia"],
        *["--outlet", "Brussels Signal", "--published", "2023-09-25", "--quote"],
        "As many as 311 civilians, including 102 children, were evacuated.",
        *["--notes", "The children among the 311 evacuated (row above)."],
    ]
    before = figures_file.read_bytes()
    refused = add(figures_file, *children)
    assert refused.returncode == 1
    assert f"{figures_file}:{NEXT_LINE}: line 3 already records this figure" in refused.stderr
    assert "use --allow-duplicate" in refused.stderr
    assert figures_file.read_bytes() == before

    allowed = add(figures_file, *children, "--allow-duplicate")
    assert allowed.returncode == 0, allowed.stderr
    assert "line 3 already records this figure in every column; the row was added anyway" in (
        allowed.stdout
    )

    # The same again is now identical cell for cell to line 15: refused even when allowed.
    again = add(figures_file, *children, "--allow-duplicate")
    assert again.returncode == 1
    assert "repeats line 15 cell for cell" in again.stderr
    assert "use --allow-duplicate" not in again.stderr


def test_help_names_every_column_as_an_option() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "figures", "add", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    options = "--as-of --metric --group --qualifier --value --value-high --place --reported-by"
    options += " --affiliation --outlet --published --url --quote --notes --file --allow-duplicate"
    for option in options.split(" "):
        assert option in done.stdout
    assert "default data/figures.csv" in done.stdout


# ---------------------------------------------------------------------------------------------
# Prompting, with stand-in input and output.


class Script:
    """Answers prompts from a list and records everything said, for `prompt_fields`."""

    def __init__(self, answers: list[str]):
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.said: list[str] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"unexpected prompt {prompt!r}")
        return self.answers.pop(0)

    def say(self, text: str) -> None:
        self.said.append(text)


def test_prompt_fields_shows_the_vocabulary_and_re_asks_with_the_checkers_message() -> None:
    script = Script(
        [
            "30/09/2023",  # as_of: a spreadsheet's date, refused
            "2023-10-01",
            "fleed",  # metric: a typo, refused with a suggestion
            "fled",
            "",  # group: optional, left empty
            "range",
            "5",
            "4",  # value_high below value, refused
            "6",
            "",  # place
            "Azerbaijan",  # affiliation, any case
            "",  # url
            "Broadcast, no web copy.",  # notes: a row without a URL says why
            "",  # as_of, asked again with published: Enter keeps it
            "2023-10-02",  # published, asked again: the given one is before as_of
        ]
    )
    given = {
        "reported_by": "Someone",
        "outlet": "Somewhere",
        "quote": "five to six",
        "published": "2023-09-30",
    }
    answers = prompt_fields(given, load_vocabulary(), ask=script.ask, say=script.say)

    assert script.answers == []
    assert answers == {
        **given,
        "as_of": "2023-10-01",
        "metric": "fled",
        "group": "",
        "qualifier": "range",
        "value": "5",
        "value_high": "6",
        "place": "",
        "affiliation": "Azerbaijan",
        "url": "",
        "notes": "Broadcast, no web copy.",
        "published": "2023-10-02",
    }
    said = "\n".join(script.said)
    assert "fled               People who fled (cumulative)" in said
    assert "children           Children" in said
    assert "up_to              'as many as', 'up to'" in said
    assert "azerbaijan         Azerbaijan" in said
    assert "as_of: '30/09/2023' is not a date" in said
    assert "metric: 'fleed' is not a known metric; did you mean 'fled'?" in said
    assert "value_high: the range's upper end 4 is below its lower end 5; swap them" in said
    assert "published: published 2023-09-30 is before as_of 2023-10-01" in said
    assert script.prompts[-2].startswith("as_of (")
    assert script.prompts[-1].startswith("published (")
    assert "Enter keeps '2023-09-30'" in script.prompts[-1]


def test_prompt_fields_skips_value_high_unless_the_figure_is_a_range() -> None:
    script = Script(["2023-10-01", "fled", "", "", "5", "", "", "", "Broadcast"])
    given = {"reported_by": "R", "affiliation": "ngo", "outlet": "O", "quote": "5 fled"}
    answers = prompt_fields(given, load_vocabulary(), ask=script.ask, say=script.say)
    assert "value_high" not in answers
    assert not any(prompt.startswith("value_high") for prompt in script.prompts)


# ---------------------------------------------------------------------------------------------
# Prompting in a real terminal.


class Terminal:
    """The controlling side of a pseudo-terminal running `python -m figures add`."""

    def __init__(self, path: Path, *options: str):
        master, slave = os.openpty()
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "-m", "figures", "add", "--file", str(path), *options],
            cwd=ROOT,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**os.environ, "TERM": "dumb"},
        )
        os.close(slave)
        self.output = ""
        self.seen = 0  # text before this offset has been matched already

    def expect(self, text: str, timeout: float = 60) -> None:
        """Read until `text` appears after what was matched before (a deadline, not a sleep)."""
        deadline = time.monotonic() + timeout
        while text not in self.output[self.seen :]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} never appeared; output so far:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # EIO: the program has ended and closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} never appeared; output:\n{self.output}")
                self.output += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        self.seen = self.output.index(text, self.seen) + len(text)

    def send(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def finish(self) -> int:
        try:
            while True:
                ready, _, _ = select.select([self.master], [], [], 60)
                if not ready:
                    break
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.output += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        except OSError:
            pass
        os.close(self.master)
        return self.process.wait(timeout=60)


def test_a_terminal_session_prompts_checks_and_adds(figures_file: Path) -> None:
    term = Terminal(
        figures_file,
        *["--reported-by", "Government of Armenia", "--affiliation", "armenia"],
        *["--outlet", "Reuters", "--quote", "five to six"],
    )
    # The quote's figure is proposed; 0 types it instead (a session that picks is below).
    term.expect('1. 5 to 6 (from "five to six")')
    term.expect("which figure (1-1, Enter for 1, 0 to type it yourself)")
    term.send("0")
    term.expect("as_of (")
    term.send("30/09/2023")
    term.expect("is not a date")
    term.expect("as_of (")
    term.send("2023-10-01")
    term.expect("People who fled")
    term.expect("metric (")
    term.send("fleed")
    term.expect("did you mean 'fled'?")
    term.expect("metric (")
    term.send("fled")
    term.expect("group (")
    term.send("")
    term.expect("'as many as', 'up to'")
    term.expect("qualifier (")
    term.send("range")
    term.expect("value (")
    term.send("5")
    term.expect("value_high (")
    term.send("6")
    for name in ("place", "published", "url"):
        term.expect(f"{name} (")
        term.send("")
    term.expect("notes (")
    term.send("Broadcast, no web copy.")
    term.expect(f"added as line {NEXT_LINE}: People who fled, 5 to 6")
    assert term.finish() == 0
    row = load_figures(figures_file).rows.iloc[-1]
    assert (row["line"], row["metric"], row["value"], row["value_high"]) == (
        NEXT_LINE,
        "fled",
        5,
        6,
    )


def test_end_of_input_at_a_prompt_writes_nothing(figures_file: Path) -> None:
    before = figures_file.read_bytes()
    term = Terminal(figures_file)
    term.expect("as_of (")
    os.write(term.master, b"\x04")  # Ctrl-D
    term.expect("nothing was written")
    assert term.finish() == 1
    assert figures_file.read_bytes() == before


LINE_14 = [
    *["--as-of", "2023-09-19", "--metric", "troops", "--group", "all", "--value", "0"],
    *["--place", "Nagorno-Karabakh", "--reported-by", "Government of Armenia"],
    *["--affiliation", "armenia", "--outlet", "TASS", "--published", "2023-09-28"],
    *["--quote", "Yerevan, in turn, said there were no Armenian forces in Karabakh"],
    "--notes",
    "TASS relays Yerevan's answer to Baku's demand of 19 September; "
    "'no Armenian forces' recorded as 0.",
]


def test_a_terminal_session_may_add_a_duplicate_after_confirming(figures_file: Path) -> None:
    # Line 14 leaves the qualifier blank; spelled out as "exact" it reads the same.
    term = Terminal(figures_file, *LINE_14, "--qualifier", "exact")
    term.expect("line 14 already records this figure in every column; the row was not added")
    term.expect("Add it anyway, as a separate report? [y/N]")
    term.send("y")
    term.expect(f"added as line {NEXT_LINE}")
    assert term.finish() == 0


def test_a_terminal_session_does_not_offer_to_add_an_identical_row(figures_file: Path) -> None:
    before = figures_file.read_bytes()
    term = Terminal(figures_file, *LINE_14)
    term.expect("repeats line 14 cell for cell")
    term.expect("nothing written")
    assert term.finish() == 1
    assert "Add it anyway" not in term.output
    assert figures_file.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# The quote assistant, the source rule and the same figure (issue 16).

QUOTE = "Officials said more than 4,000 people have left since Sunday."
ARMENPRESS = [
    *["--metric", "fled", "--place", "Nagorno-Karabakh"],
    *["--reported-by", "Government of Armenia", "--affiliation", "armenia"],
    *["--outlet", "Armenpress", "--published", "2023-09-26"],
    *["--url", "https://example.org/armenpress", "--quote", QUOTE],
]


def test_a_terminal_session_picks_the_figure_the_quote_gives(figures_file: Path) -> None:
    term = Terminal(figures_file, *ARMENPRESS)
    term.expect("figures the quote gives, most likely first:")
    term.expect('more than 4,000 (from "more than 4,000")')
    term.expect("⟦more than 4,000⟧")
    term.expect("which figure (")
    term.send("")  # Enter: the first
    term.expect("as_of: the publication date, 2023-09-26")
    term.expect(f"added as line {NEXT_LINE}: People who fled, more than 4,000, as of 2023-09-26")
    assert term.finish() == 0
    row = load_figures(figures_file).rows.iloc[-1]
    assert (row["qualifier"], row["value"]) == ("more_than", 4000)


def test_pick_takes_the_quotes_figure_in_a_script(figures_file: Path) -> None:
    done = add(figures_file, *ARMENPRESS, "--pick", "1")
    assert done.returncode == 0, done.stderr
    assert '1. more than 4,000 (from "more than 4,000")' in done.stdout
    assert "as_of: the publication date, 2023-09-26" in done.stdout
    row = load_figures(figures_file).rows.iloc[-1]
    assert (row["qualifier"], row["value"], str(row["as_of"].date())) == (
        "more_than",
        4000,
        "2023-09-26",
    )


def test_without_pick_or_value_a_script_lists_the_figures_and_writes_nothing(
    figures_file: Path,
) -> None:
    before = figures_file.read_bytes()
    done = add(figures_file, *ARMENPRESS)
    assert done.returncode == 1
    assert "1. more than 4,000" in done.stdout
    assert "missing --value" in done.stderr
    assert figures_file.read_bytes() == before
    out_of_range = add(figures_file, *ARMENPRESS, "--pick", "9")
    assert out_of_range.returncode == 1
    assert "--pick 9: the quote gives" in out_of_range.stderr
    assert figures_file.read_bytes() == before


def test_a_row_without_a_url_needs_a_reason_in_notes(figures_file: Path) -> None:
    before = figures_file.read_bytes()
    unsourced = [a for a in ARMENPRESS if a not in ("--url", "https://example.org/armenpress")]
    done = add(figures_file, *unsourced, "--pick", "1")
    assert done.returncode == 1
    assert f"{figures_file}:{NEXT_LINE}: url: no source URL: give the address of the article" in (
        done.stderr
    )
    assert figures_file.read_bytes() == before
    reasoned = add(figures_file, *unsourced, "--pick", "1", "--notes", "Radio, no web copy.")
    assert reasoned.returncode == 0, reasoned.stderr


def test_the_same_figure_is_named_before_writing_and_needs_allow_duplicate(
    figures_file: Path,
) -> None:
    # Line 9: Pashinyan's "more than 100,000" fled as of 30 September, here from Reuters.
    same = [
        *["--as-of", "2023-09-30", "--metric", "fled", "--qualifier", "more_than"],
        *["--value", "100000", "--place", "Nagorno-Karabakh"],
        *["--reported-by", "Nikol Pashinyan, Prime Minister of Armenia"],
        *["--affiliation", "armenia", "--outlet", "Reuters"],
        *["--url", "https://example.org/reuters", "--quote", "over 100,000 have left"],
    ]
    before = figures_file.read_bytes()
    refused = add(figures_file, *same)
    assert refused.returncode == 1
    assert f"{figures_file}:{NEXT_LINE}: line 9 already records this figure (the same " in (
        refused.stderr
    )
    assert "use --allow-duplicate" in refused.stderr
    assert figures_file.read_bytes() == before
    allowed = add(figures_file, *same, "--allow-duplicate")
    assert allowed.returncode == 0, allowed.stderr
