"""The dashboard's "Add a figure" form: the quote assistant around `figures.append.append_figure`.

Reached from a button near the page's title (and from the section at the bottom of the page),
the form opens in a dialog. The page stakeholders open is read-only: without an editor password
configured (`figures.ui.auth`) neither the button nor the form is there.

The analyst pastes the quote first; the figures it gives are proposed (`figures.proposal`),
each with the quote's words marked as plain text, and picking one fills value, qualifier and
upper end, which stay editable. Before writing, the form shows the conflicts the row would take
part in and the lines that already record the same figure, and it reports every problem at
once. Rows go through the same append function as `python -m figures add`: the same checks,
lock and file handling; the editor's name and the time go into the row's notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from figures.append import AppendError, append_figure, validate_fields
from figures.contract import COLUMNS, Qualifier
from figures.proposal import (
    WouldBe,
    clean_editor,
    conflict_sentences,
    editor_note,
    propose,
    same_figure_warning,
    source_problem,
    would_be_in_file,
)
from figures.ui.auth import (
    PASSWORD_ENV,  # noqa: F401 (re-exported: where the password is configured)
    PASSWORD_SECRET,  # noqa: F401
    THROTTLE,
    client_id,
    editor_header,
    editor_password,
    proxy_account,
    wait_text,
)
from figures.ui.state import FileKey, Loaded, file_key, load
from figures.ui.text import GUIDE, md
from figures.vocabulary import Vocabulary

FORM_KEY = "add_figure"
OPEN_KEY = "add_figure_open"
_FLASH_KEY = "add_figure_flash"
# Choices the form leaves empty until the analyst makes them, with how the error names them.
_CHOICES = {"qualifier": "qualifier", "affiliation": "reporter's side"}
# Dates the form offers: any a crisis of the last century could need, none in the future.
_FIRST_DAY = dt.date(1900, 1, 1)

QUALIFIER_WORDS = {
    "exact": "exact (311)",
    "about": "about (an estimated 120,000)",
    "more_than": "more than (more than 100,000)",
    "at_least": "at least (thousands = at least 2,000)",
    "up_to": "up to (as many as 3,000)",
    "less_than": "less than (fewer than 1,000)",
    "range": "range (five to six: value 5, upper end 6)",
}

Fields = dict[str, str]


# ---------------------------------------------------------------------------------------------
# Where the form is reached.


def _open() -> None:
    st.session_state[OPEN_KEY] = True


def _close() -> None:
    st.session_state.pop(OPEN_KEY, None)


@st.dialog("Add a figure", width="large", on_dismiss=_close)
def _dialog(path: str, vocabulary: Vocabulary) -> None:
    render_add_form(Path(path), vocabulary)


def add_figure_entry(path: Path, vocabulary: Vocabulary) -> None:
    """Near the title: what the last addition did, and the button that opens the form (only
    where an editor password is configured)."""
    flash = st.session_state.pop(_FLASH_KEY, None)
    if flash:
        st.success(md(flash))
    if editor_password() is None:
        return
    st.button("Add a figure", key="add_figure_top", icon=":material/add:", on_click=_open)
    if st.session_state.get(OPEN_KEY):
        _dialog(str(path), vocabulary)


def add_figure_section(path: Path, vocabulary: Vocabulary) -> None:
    """The section at the bottom of the dashboard: how figures are added, and a button to the
    form; built only once opened, like the other expanders."""
    del path, vocabulary  # the form itself opens from the top of the page (add_figure_entry)
    section = st.expander("Add a figure", key=FORM_KEY, on_change="rerun")
    if not section.open:
        return
    with section:
        st.caption(
            "Analysts add figures with `python -m figures add` or, where an editor password "
            "is configured, with the form behind the *Add a figure* button at the top of the "
            "page; see [the guide](?view=adding-figures)."
        )
        if editor_password() is not None:
            st.button(
                "Open the form", key="add_figure_bottom", icon=":material/add:", on_click=_open
            )


# ---------------------------------------------------------------------------------------------
# The form.


def render_add_form(path: Path, vocabulary: Vocabulary) -> None:
    """The form, or nothing at all when no editor password is configured."""
    expected = editor_password()
    flash = st.session_state.pop(_FLASH_KEY, None)
    if flash:
        st.success(md(flash))
    if expected is None:
        return
    # Streamlit serves no files from the repository, so the guide is shown, not linked.
    if GUIDE.is_file():
        with st.expander("How to turn a sentence in an article into a row"):
            st.markdown(GUIDE.read_text(encoding="utf-8"))
    st.markdown(
        "Add one figure as one source reported it. Paste the quote first: the figures it "
        "gives are proposed, and picking one fills value and qualifier."
    )
    st.text_area("Quote (the words, verbatim)", key="add_quote", on_change=_quote_changed)
    _proposals()
    fields = _fields(vocabulary)
    editor = _editor_field()
    given = st.text_input("Editor password", type="password", key="add_password")
    draft = _Draft(fields, _preview(path, fields, vocabulary), editor)
    if st.button("Add the figure", key="add_submit", type="primary"):
        _submit(path, vocabulary, draft, _password_problem(given, expected))


def _quote_changed() -> None:
    # Proposals of another quote no longer apply; the fields they filled stay as they are.
    st.session_state["add_proposal"] = None


def _picked() -> None:
    chosen = st.session_state.get("add_proposal")
    proposals = propose(st.session_state.get("add_quote") or "")
    if chosen is None or chosen >= len(proposals):
        return
    picked = proposals[chosen].fields()
    st.session_state["add_qualifier"] = picked["qualifier"]
    st.session_state["add_value"] = picked["value"]
    st.session_state["add_high"] = picked["value_high"]


def _proposals() -> None:
    """The figures the quote gives, to pick from, with the words each was read from."""
    quote = st.session_state.get("add_quote") or ""
    proposals = propose(quote) if quote.strip() else []
    if quote.strip() and not proposals:
        st.caption("No figure found in the quote: type value and qualifier below.")
    if not proposals:
        return
    # Selectbox options are drawn as plain text, never as Markdown: they hold the quote.
    st.selectbox(
        "Figures the quote gives (pick one to fill value and qualifier)",
        list(range(len(proposals))),
        format_func=lambda index: f"{index + 1}. {proposals[index].label}",
        index=None,
        placeholder="Pick the figure this row records, or type it below",
        key="add_proposal",
        on_change=_picked,
    )
    # The words each came from, marked in the quote, as plain text.
    st.text("\n".join(f"{n}. {p.marked}" for n, p in enumerate(proposals, start=1)))


def _fields(vocabulary: Vocabulary) -> Fields:
    """The row's fields, as typed or chosen, by column name (dates as the contract writes)."""
    fields: Fields = {}
    left, right = st.columns(2)
    fields["metric"] = left.selectbox(
        "Metric", list(vocabulary.metrics), format_func=vocabulary.metric_label, key="add_metric"
    )
    fields["group"] = right.selectbox(
        "Group", list(vocabulary.groups), format_func=vocabulary.group_label, key="add_group"
    )
    # No side and no qualifier is preselected: a default would be saved unread, and a
    # figure filed under the wrong side, or "more than" filed as exact, misleads.
    fields["qualifier"] = (
        st.selectbox(
            "Qualifier",
            [q.value for q in Qualifier],
            format_func=QUALIFIER_WORDS.__getitem__,  # every option is a key: a str, never None
            index=None,
            placeholder="How the source bounded it (exact if it gave the number as is)",
            key="add_qualifier",
        )
        or ""
    )
    left, right = st.columns(2)
    fields["value"] = left.text_input("Value (digits, e.g. 100000)", key="add_value")
    fields["value_high"] = right.text_input("Upper end (only for a range)", key="add_high")
    fields["place"] = st.text_input("Place", key="add_place")
    fields["reported_by"] = st.text_input(
        "Reported by (who gave the figure, not the outlet)", key="add_reported_by"
    )
    fields["affiliation"] = (
        st.selectbox(
            "Reporter's side",
            list(vocabulary.sides),
            format_func=vocabulary.side_label,
            index=None,
            placeholder="The side of who gave the figure",
            key="add_affiliation",
        )
        or ""
    )
    fields["outlet"] = st.text_input("Outlet (where it was published)", key="add_outlet")
    fields.update(_dates())
    fields["url"] = st.text_input(
        "Source URL (http:// or https://)",
        key="add_url",
        help="The article's address. A row without one says in notes why there is none.",
    )
    fields["notes"] = st.text_area("Notes", key="add_notes")
    fields["quote"] = st.session_state.get("add_quote") or ""
    return fields


def _dates() -> Fields:
    """published, and as_of (the publication date when left empty), from date pickers."""
    today = dt.date.today()
    left, middle, right = st.columns(3)
    published = left.date_input(
        "Published", value=None, min_value=_FIRST_DAY, max_value=today, key="add_published"
    )
    as_of = middle.date_input(
        "As of (empty: the publication date)",
        value=None,
        min_value=_FIRST_DAY,
        max_value=today,
        key="add_as_of",
        help="When the figure holds, not when it was published.",
    )
    hour = right.time_input(
        "Hour (only if the source gives it)", value=None, step=60, key="add_as_of_time"
    )
    day = as_of or published
    as_of_text = ""
    if isinstance(day, dt.date):
        as_of_text = day.isoformat() + (f"T{hour:%H:%M}" if hour else "")
    return {
        "published": published.isoformat() if isinstance(published, dt.date) else "",
        "as_of": as_of_text,
    }


def _editor_field() -> str:
    """Who is adding: the proxy's account when one is configured, else a typed name."""
    header = editor_header()
    if header is not None:
        account = proxy_account()
        if account:
            st.caption(f"Adding as {md(account)} (signed in).")
        return clean_editor(account)
    return clean_editor(
        st.text_input(
            "Your name (kept in the row's notes)",
            key="add_editor",
            help="Each row added here says in its notes who added it, and when.",
        )
    )


# ---------------------------------------------------------------------------------------------
# What the row would do, and the checks.


@st.cache_resource(show_spinner=False, max_entries=8)
def _would_be_cached(
    key: FileKey | None, path: str, items: tuple[tuple[str, str], ...], _vocabulary: Vocabulary
) -> WouldBe:
    # `key` names the file's version: another version is another answer.
    loaded = load(Path(path))
    rows = loaded.result.rows if isinstance(loaded, Loaded) else loaded.rows
    return would_be_in_file(Path(path), rows, dict(items), _vocabulary)


def _preview(path: Path, fields: Fields, vocabulary: Vocabulary) -> WouldBe | None:
    """Before writing: the conflicts the row would take part in, the same figure elsewhere."""
    if validate_fields(fields, vocabulary) or not fields["qualifier"]:
        return None  # an incomplete row has no conflicts to show yet
    try:
        items = tuple(sorted(fields.items()))
        would = _would_be_cached(file_key(path), str(path), items, vocabulary)
    except Exception as exc:  # the preview is a help: it must never stop an addition
        st.caption(f"Conflicts not checked: {md(type(exc).__name__)}: {md(exc)}")
        return None
    if would.errors:
        return would
    sentences = conflict_sentences(would)
    if sentences:
        st.warning(
            f"This figure would take part in {len(sentences)} conflict(s) (as line "
            f"{would.line}):\n\n" + "\n".join(f"- {md(text)}" for text in sentences)
        )
    else:
        st.caption("This figure would take part in no conflict with the figures in the file.")
    warning = same_figure_warning(would.same_figure)
    if warning:
        st.warning(md(warning))
        st.checkbox("It is a separate report: add it anyway", key="add_same_anyway")
    return would


def _problems(
    fields: Fields, vocabulary: Vocabulary, would: WouldBe | None, editor: str
) -> list[str]:
    """Everything that keeps the row from being written, in the form's order."""
    problems: list[str] = []
    unchosen = [label for name, label in _CHOICES.items() if not fields.get(name)]
    if unchosen:
        problems.append(f"choose the {' and the '.join(unchosen)}")
    if not fields["as_of"]:
        problems.append("as_of: pick the day the figure holds (or the publication date)")
    # Said once above: an unchosen choice, a missing date.
    said = {name for name in _CHOICES if not fields.get(name)} | (
        set() if fields["as_of"] else {"as_of"}
    )
    problems += [
        f"{error.column}: {error.message}"
        for error in validate_fields(fields, vocabulary)
        if error.column not in said
    ]
    reason = source_problem(fields.get("url"), fields.get("notes"))
    if reason:
        problems.append(f"url: {reason}")
    if not editor:
        problems.append(_missing_editor())
    if would is not None and would.same_figure and not st.session_state.get("add_same_anyway"):
        problems.append(f"{same_figure_warning(would.same_figure)}: tick the box above if it is")
    return problems


def _missing_editor() -> str:
    header = editor_header()
    if header is not None:
        return (
            f"the sign-in proxy did not say who you are (no {header} header); open the page "
            "through the proxy"
        )
    return "your name: say who is adding the row (it is kept in the row's notes)"


def _password_problem(given: str, expected: str) -> str | None:
    """Why the password does not let the row through, or None; throttled per client."""
    verdict = THROTTLE.check(client_id(), given, expected)
    if verdict.ok:
        return None
    if not verdict.checked:
        return (
            "too many wrong passwords from here: the password was not checked; try again "
            f"in {wait_text(verdict.wait_s)}"
        )
    return "Wrong editor password"


@dataclass(frozen=True)
class _Draft:
    """The row as the form holds it, what it would do, and who is adding it."""

    fields: Fields
    would: WouldBe | None
    editor: str


def _submit(path: Path, vocabulary: Vocabulary, draft: _Draft, refused: str | None) -> None:
    """Append the row if the password matched (`refused` is None) and every check passes;
    else say all why not."""
    fields, editor = draft.fields, draft.editor
    problems = _problems(fields, vocabulary, draft.would, editor)
    if refused:
        problems.insert(0, refused)
    if problems:
        _refuse(problems)
        return
    row = {name: fields.get(name) or "" for name in COLUMNS}
    row["notes"] = editor_note(row["notes"], editor, dt.datetime.now(dt.UTC))
    try:
        result = append_figure(path, row, vocabulary=vocabulary)
    except AppendError as exc:
        _refuse([str(exc)])
        return
    if not result.written:
        _refuse([str(error) for error in result.errors] + result.warnings)
        return
    # Close the dialog and rerun the page, which reloads the file (its size changed) and
    # charts the new figure at once.
    st.session_state[_FLASH_KEY] = f"Added the figure on line {result.line} of {path.name}."
    _close()
    st.rerun(scope="app")


def _refuse(problems: list[str]) -> None:
    # Every problem at once; each is text from the analyst or the file, shown as typed.
    if len(problems) == 1:
        st.error(f"Nothing was written: {md(problems[0])}.")
        return
    st.error("Nothing was written:\n\n" + "\n".join(f"- {md(problem)}" for problem in problems))
