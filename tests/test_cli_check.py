"""`python -m figures check [PATH] [--json]`, run as an analyst or CI runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BAD_FILE = """\
as_of,metric,value,reported_by,affiliation,outlet,quote,url
2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,"more than 100,000",
2023-09-30,fleed,100000,Nikol Pashinyan,armenia,AFP,"more than 100,000",
2023-09-30,population,120k,Nikol Pashinyan,armenia,AFP,"estimated 120,000",javascript:x()
"""


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "figures", "check", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_default_path_is_the_shipped_file_and_it_is_clean() -> None:
    run = check()
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.fullmatch(
        r"data/figures\.csv: (\d+) row\(s\), \1 valid, 0 with errors; 0 error\(s\)\n", run.stdout
    )


def test_one_line_per_error_like_a_compiler_then_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    run = check(str(path))
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        f"{path}:3: metric: 'fleed' is not a known metric; did you mean 'fled'?",
        f"{path}:4: url: 'javascript:x()' is not a web address; only http:// or https:// "
        "addresses are allowed (leave the cell empty when there is none)",
        f"{path}:4: value: '120k' is not a whole number; write the number in digits, in full "
        "(100000, not 100k or 1e5), without words such as 'about' (use the qualifier column)",
        f"{path}: 3 row(s), 1 valid, 2 with errors; 3 error(s)",
    ]


def test_an_address_that_smuggles_in_a_second_link_is_refused_with_why(tmp_path: Path) -> None:
    # Drawn as a link, the text after ">)" would become a link of its own (issue #18).
    smuggled = "https://a.example/>)[Click_me](javascript:alert(1))"
    path = tmp_path / "figures.csv"
    path.write_text(
        "as_of,metric,value,reported_by,affiliation,outlet,quote,url\n"
        f"2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,words,{smuggled}\n"
        "2023-09-30,fled,100000,Nikol Pashinyan,armenia,AFP,words,"
        "https://en.wikipedia.org/wiki/Lachin_(town)\n",
        encoding="utf-8",
    )
    run = check(str(path))
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        f"{path}:2: url: {smuggled!r} is not a web address; it holds an angle bracket (>), "
        "which an address never does (leave the cell empty when there is none)",
        f"{path}: 2 row(s), 1 valid, 1 with errors; 1 error(s)",
    ]


def test_json_lists_code_line_column_value_and_message(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    run = check(str(path), "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert (report["path"], report["records"], report["valid_rows"]) == (str(path), 3, 1)
    assert report["errors"][0] == {
        "code": "unknown-metric",
        "line": 3,
        "column": "metric",
        "value": "fleed",
        "message": "'fleed' is not a known metric; did you mean 'fled'?",
    }
    assert [(e["line"], e["column"], e["code"]) for e in report["errors"]] == [
        (3, "metric", "unknown-metric"),
        (4, "url", "bad-url"),
        (4, "value", "bad-number"),
    ]


def test_json_of_a_clean_file_has_no_errors_and_exit_0() -> None:
    run = check("data/figures.csv", "--json")
    assert run.returncode == 0
    report = json.loads(run.stdout)
    assert report["errors"] == [] and report["valid_rows"] == report["records"] >= 12


def test_file_level_errors_have_no_line_and_nothing_loads(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    run = check(str(missing))
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        f"{missing}: there is no file at {missing}",
        f"{missing}: not loaded: 1 error(s)",
    ]
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("as_of,quote\n2023-09-30,Médecins\n".encode("latin-1"))
    run = check(str(latin1))
    assert run.returncode == 1
    assert run.stdout.splitlines()[0].startswith(f"{latin1}:2: byte 0xe9 is not UTF-8 text")
    assert "Traceback" not in run.stderr


def test_a_malformed_vocabulary_beside_the_file_stops_the_check(tmp_path: Path) -> None:
    (tmp_path / "metrics.csv").write_text(
        "metric,label,unit,kind,intraday,bounded_by,window_days,description\n"
        "fled,People who fled,people,running,true,,,\n"
    )
    (tmp_path / "figures.csv").write_text("as_of,metric\n")
    run = check(str(tmp_path / "figures.csv"))
    assert run.returncode == 2
    metrics = tmp_path / "metrics.csv"
    assert f"{metrics}:2: kind: kind must be one of cumulative, stock, event" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_vocabulary_not_in_utf8_or_without_a_column_is_named_with_its_line(
    tmp_path: Path,
) -> None:
    metrics = tmp_path / "metrics.csv"
    (tmp_path / "figures.csv").write_text("as_of,metric\n")
    metrics.write_bytes(
        "metric,label,unit,kind\nfled,D\u00e9plac\u00e9s,people,cumulative\n".encode("cp1252")
    )
    run = check(str(tmp_path / "figures.csv"))
    assert run.returncode == 2
    assert f"{metrics}:2: file: byte 0xe9 is not UTF-8 text" in run.stderr
    assert "Traceback" not in run.stderr

    metrics.write_text("metric,label,unit\nfled,People who fled,people\n")
    run = check(str(tmp_path / "figures.csv"))
    assert run.returncode == 2
    assert f"{metrics}:1: kind: the header has no 'kind' column" in run.stderr


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    # `python -m figures check big.csv | head -1`: more errors than a pipe holds, and the
    # reader closes after the first line.
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "as_of,metric,value,reported_by,affiliation,outlet,quote\n"
        + "not-a-date,fleed,5,A,armenia,B,words\n" * 5000
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "figures", "check", str(bad)],
        cwd=REPO,
        # Buffered, as in a shell where PYTHONUNBUFFERED is not set: the pipe then breaks
        # when Python flushes the rest of its output.
        env={key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    errors = process.stderr.read()
    process.wait(timeout=60)
    assert first.startswith(f"{bad}:2: ")
    assert "Traceback" not in errors and "BrokenPipeError" not in errors
    assert process.returncode in (0, 1)  # not 120, Python's code for a failed final flush
