"""The dashboard's "Add a figure" section: a form around `figures.append.append_figure`.

The page stakeholders open is read-only: the form appears only when an editor password is
configured, in Streamlit secrets (`editor_password` in .streamlit/secrets.toml) or in the
environment (FIGURES_EDITOR_PASSWORD), and a wrong password writes nothing. Rows go through
the same append function as `python -m figures add`: the same checks, lock and file handling.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path

import streamlit as st

from figures.append import AppendError, append_figure
from figures.contract import COLUMNS, Qualifier
from figures.ui.text import GUIDE
from figures.vocabulary import Vocabulary

PASSWORD_ENV = "FIGURES_EDITOR_PASSWORD"
PASSWORD_SECRET = "editor_password"
FORM_KEY = "add_figure"
_FLASH_KEY = "add_figure_flash"
# Choices the form leaves empty until the analyst makes them, with how the error names them.
_CHOICES = {"qualifier": "qualifier", "affiliation": "reporter's side"}

QUALIFIER_WORDS = {
    "exact": "exact (311)",
    "about": "about (an estimated 120,000)",
    "more_than": "more than (more than 100,000)",
    "at_least": "at least (thousands = at least 2,000)",
    "up_to": "up to (as many as 3,000)",
    "less_than": "less than (fewer than 1,000)",
    "range": "range (five to six: value 5, upper end 6)",
}


def editor_password() -> str | None:
    """The configured password, or None when editing is off."""
    try:
        secret = st.secrets.get(PASSWORD_SECRET)
    except (FileNotFoundError, KeyError, OSError):
        # No secrets file is the normal, read-only deployment.
        secret = None
    value = secret or os.environ.get(PASSWORD_ENV)
    return str(value) if value else None


def _password_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def add_figure_section(path: Path, vocabulary: Vocabulary) -> None:
    """The section on the dashboard; built only once opened, like the other expanders."""
    section = st.expander("Add a figure", key="add_figure", on_change="rerun")
    if not section.open:
        return
    with section:
        st.caption(
            "Analysts add figures with `python -m figures add` or, where an editor password "
            "is configured, with this form; see [the guide](?view=adding-figures)."
        )
        render_add_form(path, vocabulary)


def render_add_form(path: Path, vocabulary: Vocabulary) -> None:
    """The form, or nothing at all when no editor password is configured."""
    expected = editor_password()
    flash = st.session_state.pop(_FLASH_KEY, None)
    if flash:
        st.success(flash)
    if expected is None:
        return
    # Streamlit serves no files from the repository, so the guide is shown, not linked.
    if GUIDE.is_file():
        with st.expander("How to turn a sentence in an article into a row"):
            st.markdown(GUIDE.read_text(encoding="utf-8"))
    with st.form(FORM_KEY, clear_on_submit=False):
        st.markdown("Add one figure as one source reported it.")
        fields = _fields(vocabulary)
        given = st.text_input("Editor password", type="password", key="add_password")
        submitted = st.form_submit_button("Add the figure")
    if submitted:
        _submit(path, fields, given, expected)


def _fields(vocabulary: Vocabulary) -> dict[str, str | None]:
    """The row's fields, as typed or chosen, by column name."""
    fields: dict[str, str | None] = {}
    fields["as_of"] = st.text_input(
        "As of (YYYY-MM-DD, or YYYY-MM-DDTHH:MM if the source gives the hour)",
        key="add_as_of",
        help="When the figure holds, not when it was published.",
    )
    fields["metric"] = st.selectbox(
        "Metric", list(vocabulary.metrics), format_func=vocabulary.metric_label, key="add_metric"
    )
    fields["group"] = st.selectbox(
        "Group", list(vocabulary.groups), format_func=vocabulary.group_label, key="add_group"
    )
    # No side and no qualifier is preselected: a default would be saved unread, and a
    # figure filed under the wrong side, or "more than" filed as exact, misleads.
    fields["qualifier"] = st.selectbox(
        "Qualifier",
        [q.value for q in Qualifier],
        format_func=QUALIFIER_WORDS.get,
        index=None,
        placeholder="How the source bounded it (exact if it gave the number as is)",
        key="add_qualifier",
    )
    fields["value"] = st.text_input("Value (digits, e.g. 100000)", key="add_value")
    fields["value_high"] = st.text_input("Upper end (only for a range)", key="add_high")
    fields["place"] = st.text_input("Place", key="add_place")
    fields["reported_by"] = st.text_input(
        "Reported by (who gave the figure, not the outlet)", key="add_reported_by"
    )
    fields["affiliation"] = st.selectbox(
        "Reporter's side",
        list(vocabulary.sides),
        format_func=vocabulary.side_label,
        index=None,
        placeholder="The side of who gave the figure",
        key="add_affiliation",
    )
    fields["outlet"] = st.text_input("Outlet (where it was published)", key="add_outlet")
    fields["published"] = st.text_input("Published (YYYY-MM-DD)", key="add_published")
    fields["url"] = st.text_input("URL (http:// or https://)", key="add_url")
    fields["quote"] = st.text_area("Quote (the words, verbatim)", key="add_quote")
    fields["notes"] = st.text_area("Notes", key="add_notes")
    return fields


def _submit(path: Path, fields: dict[str, str | None], given: str, expected: str) -> None:
    """Append the row if the password matches and the checks pass; else say why not."""
    if not _password_matches(given, expected):
        st.error("Wrong editor password: nothing was written.")
        return
    unchosen = [label for name, label in _CHOICES.items() if not fields.get(name)]
    if unchosen:
        st.error(f"Nothing was written: choose the {' and the '.join(unchosen)}.")
        return
    try:
        result = append_figure(path, {name: fields.get(name) or "" for name in COLUMNS})
    except AppendError as exc:
        st.error(f"Nothing was written: {exc}")
        return
    if not result.written:
        problems = [str(error) for error in result.errors] + result.warnings
        st.error("Nothing was written:\n\n" + "\n".join(f"- {text}" for text in problems))
        return
    # Rerun so the page reloads the file (its size changed) and charts the new figure at once.
    st.session_state[_FLASH_KEY] = f"Added the figure on line {result.line} of {path.name}."
    st.rerun()
