"""The dashboard's "Add a figure" form, run with AppTest: off without a password, checked with
one, and writing through the same append function as the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from figures.validation import load_figures

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "figures.csv"


def _form_page(path: str) -> None:
    # AppTest runs this function's body as a script, so it imports what it needs itself.
    from pathlib import Path

    from figures.ui.sections.add_figure import render_add_form
    from figures.vocabulary import load_vocabulary

    render_add_form(Path(path), load_vocabulary())


@pytest.fixture(autouse=True)
def _fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    target = tmp_path / "figures.csv"
    shutil.copy(SHIPPED, target)
    return target


def _run(path: Path) -> AppTest:
    return AppTest.from_function(_form_page, args=(str(path),), default_timeout=30).run()


def _fill(at: AppTest, password: str, value: str = "4000") -> AppTest:
    at.text_input(key="add_as_of").input("2023-09-26")
    at.selectbox(key="add_metric").select("fled")
    at.selectbox(key="add_qualifier").select("more_than")
    at.text_input(key="add_value").input(value)
    at.text_input(key="add_place").input("Nagorno-Karabakh")
    at.text_input(key="add_reported_by").input("Government of Armenia")
    at.selectbox(key="add_affiliation").select("armenia")
    at.text_input(key="add_outlet").input("Armenpress")
    at.text_area(key="add_quote").input("=more than 4,000 people have left")
    at.text_input(key="add_password").input(password)
    return at.button[0].click().run()


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
    at.text_input(key="add_as_of").input("2023-09-26")
    at.text_input(key="add_value").input("100500")
    at.text_input(key="add_reported_by").input("UNHCR")
    at.text_input(key="add_outlet").input("UNHCR")
    at.text_area(key="add_quote").input("More than 100,500 refugees")
    at.text_input(key="add_password").input("s3cret")
    at = at.button[0].click().run()
    assert not at.exception
    assert "choose the qualifier and the reporter's side" in at.error[0].value
    assert data_file.read_bytes() == before
