"""The dashboard's "Add a figure" form, run with AppTest: off without a password, checked with
one, and writing through the same append function as the command line."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from figures.ui.auth import THROTTLE
from figures.validation import load_figures
from tests.support import SEED_FIGURES, app_test

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "figures.csv"


def _form_page(path: str) -> None:
    # AppTest runs this function's body as a script, so it imports what it needs itself.
    from pathlib import Path

    from figures.ui.sections.add_figure import render_add_form
    from figures.vocabulary import load_vocabulary

    render_add_form(Path(path), load_vocabulary())


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # Streamlit's caches are cleared by conftest; the password throttle is this file's own.
    THROTTLE.reset()
    yield
    THROTTLE.reset()


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    target = tmp_path / "figures.csv"
    shutil.copy(SHIPPED, target)
    return target


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    """The 13 seed rows, for tests that name their lines (a new row is line 15)."""
    target = tmp_path / "figures.csv"
    shutil.copy(SEED_FIGURES, target)
    return target


def _run(path: Path) -> AppTest:
    return AppTest.from_function(_form_page, args=(str(path),), default_timeout=30).run()


def _submit(at: AppTest) -> AppTest:
    return at.button(key="add_submit").click().run()


def _fill(
    at: AppTest,
    password: str,
    value: str = "4000",
    url: str = "https://example.org/story",
    as_of: dt.date | None = dt.date(2023, 9, 26),
) -> AppTest:
    at.date_input(key="add_as_of").set_value(as_of)
    at.selectbox(key="add_metric").select("fled")
    at.selectbox(key="add_qualifier").select("more_than")
    at.text_input(key="add_value").input(value)
    at.text_input(key="add_place").input("Nagorno-Karabakh")
    at.text_input(key="add_reported_by").input("Government of Armenia")
    at.selectbox(key="add_affiliation").select("armenia")
    at.text_input(key="add_outlet").input("Armenpress")
    at.text_area(key="add_quote").input("=more than 4,000 people have left")
    at.text_input(key="add_url").input(url)
    at.text_input(key="add_editor").input("Ana")
    at.text_input(key="add_password").input(password)
    return _submit(at)


def test_without_a_password_the_page_is_read_only(data_file, monkeypatch):
    monkeypatch.delenv("FIGURES_EDITOR_PASSWORD", raising=False)
    at = _run(data_file)
    assert not at.exception
    assert len(at.text_input) == 0 and len(at.button) == 0


def test_a_wrong_password_writes_nothing(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    before = data_file.read_bytes()
    at = _fill(_run(data_file), password="guess")
    assert not at.exception
    assert "Wrong editor password" in at.error[0].value
    assert data_file.read_bytes() == before


def test_the_right_password_appends_the_row_and_keeps_the_old_bytes(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    before = data_file.read_bytes()
    at = _fill(_run(data_file), password="s3cret")
    assert not at.exception
    after = data_file.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    rows = load_figures(data_file).rows
    added = rows.iloc[-1]
    assert (added["metric"], added["qualifier"], added["value"]) == ("fled", "more_than", 4000)
    # Formula-looking text is stored safely and reads back as written.
    assert added["quote"] == "=more than 4,000 people have left"
    assert b"'=more than" in after
    assert any("Added the figure on line" in message.value for message in at.success)


def test_an_invalid_row_is_refused_with_the_checkers_message(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    before = data_file.read_bytes()
    at = _fill(_run(data_file), password="s3cret", value="4k")
    assert data_file.read_bytes() == before
    assert "'4k' is not a whole number" in at.error[0].value


def test_the_side_and_the_qualifier_must_be_chosen_not_defaulted(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    before = data_file.read_bytes()
    at = _run(data_file)
    assert at.selectbox(key="add_affiliation").value is None
    assert at.selectbox(key="add_qualifier").value is None
    at.date_input(key="add_as_of").set_value(dt.date(2023, 9, 26))
    at.text_input(key="add_value").input("100500")
    at.text_input(key="add_reported_by").input("UNHCR")
    at.text_input(key="add_outlet").input("UNHCR")
    at.text_area(key="add_quote").input("More than 100,500 refugees")
    at.text_input(key="add_password").input("s3cret")
    at = _submit(at)
    assert not at.exception
    assert "choose the qualifier and the reporter's side" in at.error[0].value
    assert data_file.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# The quote assistant, the checks before writing, the throttle and the editor (issues 16, 18).


def _bare(markdown: str) -> str:
    """Markdown text as a reader sees it (md escapes every special character)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def _errors(at: AppTest) -> str:
    return _bare("\n".join(str(error.value) for error in at.error))


def test_the_quote_proposes_figures_and_picking_one_fills_the_fields(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    at = _run(data_file)
    quote = "Pashinyan said more than 100,000 of the estimated 120,000 inhabitants had fled"
    at = at.text_area(key="add_quote").input(quote).run()
    picker = at.selectbox(key="add_proposal")
    assert picker.value is None, "nothing is filled until the analyst picks"
    assert at.selectbox(key="add_qualifier").value is None
    labels = list(picker.options)  # as drawn: plain text
    assert any('more than 100,000 (from "more than 100,000")' in label for label in labels)
    # The words each proposal came from, marked in the quote, as plain text.
    marked = "\n".join(str(text.value) for text in at.text)
    assert "Pashinyan said ⟦more than 100,000⟧ of the estimated" in marked
    more = next(i for i, label in enumerate(labels) if "more than 100,000" in label)
    at = picker.set_value(more).run()
    assert at.selectbox(key="add_qualifier").value == "more_than"
    assert at.text_input(key="add_value").value == "100000"
    # The analyst may override what was proposed.
    at = at.text_input(key="add_value").input("100001").run()
    assert at.text_input(key="add_value").value == "100001"


def test_every_problem_is_reported_at_once_and_nothing_written(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    before = data_file.read_bytes()
    at = _run(data_file)
    at.text_input(key="add_value").input("4k")
    at.text_input(key="add_password").input("guess")
    at = _submit(at)
    assert not at.exception
    errors = _errors(at)
    for expected in (
        "Wrong editor password",
        "choose the qualifier and the reporter's side",
        "as_of: pick the day the figure holds",
        "value: '4k' is not a whole number",
        "reported_by:",
        "outlet:",
        "quote:",
        "url: no source URL",
        "your name:",
    ):
        assert expected in errors
    assert len(at.error) == 1, "one message listing every problem"
    assert data_file.read_bytes() == before


def test_a_row_without_a_url_needs_a_reason_in_notes(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    before = data_file.read_bytes()
    at = _fill(_run(data_file), password="s3cret", url="")
    assert "url: no source URL: give the address of the article, or say in notes why" in (
        _errors(at)
    )
    assert data_file.read_bytes() == before
    at.text_area(key="add_notes").input("Radio broadcast, no web copy.")
    at = _submit(at)
    assert not at.error
    assert load_figures(data_file).rows.iloc[-1]["url"] == ""


def test_the_editor_and_the_time_go_into_the_rows_notes(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    at = _run(data_file)
    at.text_area(key="add_notes").input("Read off the chart.")
    at = _fill(at, "s3cret")
    assert not at.exception and not at.error
    notes = load_figures(data_file).rows.iloc[-1]["notes"]
    assert re.fullmatch(
        r"Read off the chart\. Added on the dashboard by Ana, \d{4}-\d\d-\d\d \d\d:\d\d UTC\.",
        notes,
    ), notes
    # Hand-edited rows and the header are untouched: the file keeps the contract's columns.
    header = data_file.read_text(encoding="utf-8").splitlines()[0]
    assert header == SHIPPED.read_text(encoding="utf-8").splitlines()[0]


def test_behind_a_sign_in_proxy_the_account_in_its_header_is_the_editor(data_file, monkeypatch):
    import figures.ui.sections.add_figure as form

    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    monkeypatch.setenv("FIGURES_EDITOR_HEADER", "X-Forwarded-User")
    monkeypatch.setattr(form, "proxy_account", lambda: "ana@agency.example")
    at = _run(data_file)
    assert not [w for w in at.text_input if w.key == "add_editor"], "no name to type"
    at.text_input(key="add_url").input("https://example.org/story")
    at = _fill_without_editor(at, "s3cret")
    assert not at.error
    notes = load_figures(data_file).rows.iloc[-1]["notes"]
    assert notes.startswith("Added on the dashboard by ana@agency.example, ")


def test_behind_a_proxy_a_request_without_its_header_writes_nothing(data_file, monkeypatch):
    import figures.ui.sections.add_figure as form

    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    monkeypatch.setenv("FIGURES_EDITOR_HEADER", "X-Forwarded-User")
    monkeypatch.setattr(form, "proxy_account", lambda: None)
    before = data_file.read_bytes()
    at = _fill_without_editor(_run(data_file), "s3cret")
    assert "no X-Forwarded-User header" in _errors(at)
    assert data_file.read_bytes() == before


def _fill_without_editor(at: AppTest, password: str) -> AppTest:
    at.date_input(key="add_as_of").set_value(dt.date(2023, 9, 26))
    at.selectbox(key="add_metric").select("fled")
    at.selectbox(key="add_qualifier").select("more_than")
    at.text_input(key="add_value").input("4000")
    at.text_input(key="add_reported_by").input("Government of Armenia")
    at.selectbox(key="add_affiliation").select("armenia")
    at.text_input(key="add_outlet").input("Armenpress")
    at.text_area(key="add_quote").input("more than 4,000 people have left")
    at.text_input(key="add_url").input("https://example.org/story")
    at.text_input(key="add_password").input(password)
    return _submit(at)


def test_the_fourth_wrong_password_in_a_row_is_refused_without_being_checked(
    data_file, monkeypatch
):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    before = data_file.read_bytes()
    at = _run(data_file)
    for _ in range(3):
        at = _fill(at, password="guess")
        assert "Wrong editor password" in _errors(at)
    # The fourth try, at once, even with the right password: refused, the password unread.
    at = _fill(at, password="s3cret")
    errors = _errors(at)
    assert "too many wrong passwords from here: the password was not checked" in errors
    assert "Wrong editor password" not in errors
    assert data_file.read_bytes() == before


def test_as_of_defaults_to_the_publication_date(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    at = _run(data_file)
    at.date_input(key="add_published").set_value(dt.date(2023, 9, 27))
    at = _fill(at, "s3cret", as_of=None)
    assert not at.error
    rows = load_figures(data_file).rows
    added = rows.iloc[-1]
    assert str(added["as_of"].date()) == "2023-09-27" == str(added["published"].date())


def test_before_writing_the_form_shows_the_conflicts_the_row_would_take_part_in(
    seed_file, monkeypatch
):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    at = _run(seed_file)
    at.date_input(key="add_as_of").set_value(dt.date(2023, 9, 19))
    at.selectbox(key="add_metric").select("troops")
    at.selectbox(key="add_qualifier").select("exact")
    at.text_input(key="add_value").input("5000")
    at.text_input(key="add_place").input("Nagorno-Karabakh")
    at.text_input(key="add_reported_by").input("A reporter")
    at.selectbox(key="add_affiliation").select("media")
    at.text_input(key="add_outlet").input("An outlet")
    at = at.text_area(key="add_quote").input("5,000 troops").run()
    warnings = _bare("\n".join(str(w.value) for w in at.warning))
    assert "This figure would take part in" in warnings and "(as line 15)" in warnings
    assert "contradiction with lines" in warnings and "12" in warnings


def test_the_same_figure_already_in_the_file_is_named_and_must_be_confirmed(data_file, monkeypatch):
    # Line 9: Pashinyan, more than 100,000 fled, as of 30 September; here via another outlet.
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    before = data_file.read_bytes()
    at = _run(data_file)
    at.date_input(key="add_as_of").set_value(dt.date(2023, 9, 30))
    at.selectbox(key="add_metric").select("fled")
    at.selectbox(key="add_qualifier").select("more_than")
    at.text_input(key="add_value").input("100000")
    at.text_input(key="add_place").input("Nagorno-Karabakh")
    at.text_input(key="add_reported_by").input("Nikol Pashinyan, Prime Minister of Armenia")
    at.selectbox(key="add_affiliation").select("armenia")
    at.text_input(key="add_outlet").input("Reuters")
    at.text_area(key="add_quote").input("more than 100,000 have fled")
    at.text_input(key="add_url").input("https://example.org/reuters")
    at.text_input(key="add_editor").input("Ana")
    at.text_input(key="add_password").input("s3cret")
    at = _submit(at)
    warnings = _bare("\n".join(str(w.value) for w in at.warning))
    assert "line 9 already records this figure (the same metric" in warnings
    assert "tick the box above" in _errors(at)
    assert data_file.read_bytes() == before
    at.checkbox(key="add_same_anyway").check()
    at = _submit(at)
    assert not at.error
    assert len(data_file.read_bytes()) > len(before)


def test_hostile_text_in_the_form_is_shown_as_typed(data_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    at = _fill(_run(data_file), "s3cret", value="[a](https://evil.example)")
    at.text_input(key="add_reported_by").input("![i](https://evil.example/q.png)")
    at = _submit(at)
    shown = [str(e.value) for e in [*at.error, *at.warning, *at.caption, *at.markdown]]
    live = re.compile(r"(?i)(?:[a-z]+://|www\.|@)(?:[-\w]+\.)*evil\.example")
    assert not [text for text in shown if live.search(_bare(text))]
    assert "'[a](https:\u2060//evil.example)' is not a whole number" in _errors(at)


# ---------------------------------------------------------------------------------------------
# On the dashboard: reachable from the top of the page.


def _dashboard(path: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("FIGURES_DATA", str(path))
    return app_test().run()


def test_the_dashboard_has_no_add_button_without_a_password(data_file, monkeypatch):
    monkeypatch.delenv("FIGURES_EDITOR_PASSWORD", raising=False)
    at = _dashboard(data_file, monkeypatch)
    assert not at.exception
    assert not [b for b in at.button if b.key in ("add_figure_top", "add_figure_bottom")]


def test_the_form_opens_from_a_button_near_the_title_and_adds_the_row(seed_file, monkeypatch):
    monkeypatch.setenv("FIGURES_EDITOR_PASSWORD", "s3cret")
    data_file = seed_file
    at = _dashboard(data_file, monkeypatch)
    assert not at.exception
    keys = [b.key for b in at.button]
    # The first button of the page, above the headline, the conflicts and the charts.
    assert keys[0] == "add_figure_top"
    assert not [w for w in at.text_area if w.key == "add_quote"], "closed until asked"
    at = at.button(key="add_figure_top").click().run()
    assert not at.exception
    assert at.text_area(key="add_quote") is not None
    before = data_file.read_bytes()
    at = _fill(at, "s3cret")
    assert not at.exception
    assert len(data_file.read_bytes()) > len(before)
    assert any("Added the figure on line 15" in _bare(str(s.value)) for s in at.success)
    assert not [w for w in at.text_area if w.key == "add_quote"], "the dialog closed"
