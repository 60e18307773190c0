"""The dashboard run with Streamlit's AppTest: every state of the data, the view in the URL,
and what the charts' Vega-Lite specs carry. Each test points FIGURES_DATA at its own copy."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import figures.ui.pages.dashboard
import figures.ui.state
from figures import charts
from figures.conflicts import find_conflicts
from figures.dataset import default_data_path
from figures.ui.keys import W_TABLE_PAGE
from figures.ui.sections.figures_table import TABLE_PAGE_ROWS
from figures.ui.state import data_path
from figures.ui.url import conflict_id
from figures.validation import load_figures
from figures.vocabulary import load_vocabulary
from tests.support import SEED_FIGURES, app

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = SEED_FIGURES  # the seed rows, frozen (tests/data/seed)
TROOPS_SENTENCE = "put troops in Nagorno-Karabakh at about 10,000"


def specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def chart_rows(at: AppTest, index: int = 0) -> pd.DataFrame:
    """The figures a chart draws (its marks, not the conflict pairs), from the Arrow data
    Streamlit sends to the browser."""
    chart = at.get("vega_lite_chart")[index]
    for dataset in chart.proto.datasets:
        table = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
        if "kind" in table.columns:
            return table[table["kind"] == "mark"]
    raise AssertionError("the chart has no figures table")


def chart_parts(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The key and the panels of a chart, inside the frame the page puts round them."""
    parts = spec["vconcat"]
    while len(parts) == 1 and "vconcat" in parts[0]:
        parts = parts[0]["vconcat"]
    return parts


def panel_titles(spec: dict[str, Any]) -> list[str]:
    facet = next(part for part in chart_parts(spec) if "facet" in part)
    return facet["facet"]["row"]["sort"]


def texts(elements: Any) -> list[str]:
    """The elements' text as a reader sees it: Markdown's backslash escapes (figures.ui.text.md
    escapes every special character of user text) shown as the characters they escape."""
    return [shown(str(element.value)) for element in elements]


def shown(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def page_text(at: AppTest) -> str:
    return "\n".join(texts(at.markdown) + texts(at.caption) + texts(at.info) + texts(at.warning))


def table_rows(at: AppTest, css_class: str) -> list[list[str]]:
    """The rows of the page's HTML table of this class (its first) as the cells' text."""
    import re

    (table,) = [str(e.value) for e in at.get("html") if f'<table class="{css_class}"' in e.value]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1])
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in rows
    ]


def headline_rows(at: AppTest) -> list[list[str]]:
    """The latest-figure-per-side table's rows (it was the headline before issue 14)."""
    return table_rows(at, "per-side")


def lead_rows(at: AppTest) -> list[list[str]]:
    """The headline's rows: quantity, figure, as of, reported by, support, range, flags."""
    return table_rows(at, "lead")


def url(at: AppTest) -> dict[str, list[str]]:
    """The page's query parameters as the app left them (a single value comes back bare)."""
    values = {key: at.query_params[key] for key in at.query_params}
    return {key: value if isinstance(value, list) else [value] for key, value in values.items()}


# ---------------------------------------------------------------------------------------------
# The shipped data.


def test_the_shipped_data_gives_the_whole_page(data_file):
    at = app()
    assert not at.exception
    assert at.title[0].value == "Reported refugee-flow figures"
    # One chart at a time, the timeline first; the other is a click (or a link) away.
    titles = [spec["title"]["text"] for spec in specs(at)]
    assert titles == ["Reported figures over time"]
    assert set(chart_rows(at)["line"]) == set(range(2, 15))
    assert "Latest figure per side" in texts(at.subheader)
    assert ["", "Azerbaijan", "about 10,000"] in [row[:3] for row in headline_rows(at)]
    assert headline_rows(at)[0][:3] == ["People who fled", "Armenia", "more than 100,000"]
    assert "Every row of figures.csv passes the data contract." in page_text(at).replace("\\", "")
    assert not at.error
    # Each chart, screenshotted alone, says when and from whom.
    for spec in specs(at):
        assert spec["title"]["subtitle"][0] == "All metrics · figures as reported up to 30 Sep 2023"
        footnote = " ".join(spec["vconcat"][0]["title"]["text"])
        assert "Nikol Pashinyan, Prime Minister of Armenia (AFP)" in footnote


def test_the_headline_shows_every_group_and_a_side_that_gave_only_a_subgroup(data_file):
    with data_file.open("a", encoding="utf-8") as handle:
        handle.write(
            "2023-09-20,killed,combatants,,32,,Nagorno-Karabakh,Ministry of Defence of "
            "Azerbaijan,azerbaijan,APA,,,32 servicemen killed,\n"
        )
    at = app()
    assert not at.exception
    cells = [row[:3] for row in headline_rows(at)]
    # The 102 children stand under the 311 evacuated, each block with its title once.
    evacuated = cells.index(["People evacuated", "Russia", "up to 311"])
    assert cells[evacuated + 1] == ["People evacuated (children)", "Russia", "102"]
    assert ["People killed (combatants)", "Azerbaijan", "32"] in cells


def test_the_troops_conflict_is_listed_with_its_rows_and_sources(data_file):
    at = app()
    text = page_text(at)
    assert TROOPS_SENTENCE in text.replace("\\", "")
    assert "lines 12, 13, 14" in text
    assert "line 13: **about 10,000**" in text.replace("\\", "")
    assert "1 conflict in view" in text
    rows = chart_rows(at)
    assert set(rows.loc[rows["in_conflict"], "line"]) == {12, 13, 14}


def test_a_conflict_quotes_its_figures_outside_the_view_too(data_file):
    # Armenia's side only: the ambassador's figure is out of view but still in the dispute.
    at = app(metric="troops", affiliation="armenia")
    text = page_text(at).replace("\\", "")
    assert "line 13: **about 10,000**" in text
    assert "talking about the presence of the 10,000 heavily armed people" in text


def test_choosing_a_conflict_highlights_its_figures_and_goes_into_the_url(data_file):
    at = app()
    troops = conflict_id(find_conflicts(load_figures(data_file).rows, load_vocabulary())[0])
    assert troops.startswith("contradiction:12:")
    at.button(key=f"highlight-{troops}").click().run()
    assert not at.exception
    rows = chart_rows(at)
    assert set(rows.loc[rows["highlighted"], "line"]) == {12, 13, 14}
    assert url(at)["conflict"] == [troops]
    assert at.selectbox(key="f_conflict").value == troops


def test_a_shared_link_to_a_conflict_reopens_it_highlighted(data_file):
    troops = conflict_id(find_conflicts(load_figures(data_file).rows, load_vocabulary())[0])
    for link in (troops, "contradiction:12"):  # the second as links were made before 2026-12
        at = app(conflict=link)
        rows = chart_rows(at)
        assert set(rows.loc[rows["highlighted"], "line"]) == {12, 13, 14}


def test_two_flags_of_one_code_that_start_on_one_line_each_get_their_own_controls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # A running total updated daily (lines 2-11), a low figure dated the 24th (line 12) below
    # the first three updates, and a figure misdated to the 20th (line 13) above them all:
    # the misdated figure is a flag of its own, and the low one's clashes another, both
    # starting on line 2.
    updates = [
        f"2023-09-{day}T20:00,arrived,,,{500 + 1000 * (day - 21)},,Armenia,Gov,armenia,Gov,,,q,"
        for day in range(21, 31)
    ]
    rows = [
        *updates,
        "2023-09-24,arrived,,,450,,Armenia,Gov,armenia,Wire,,,q,",
        "2023-09-20,arrived,,,999999,,Armenia,Gov,armenia,CivilNet,,,q,",
    ]
    path = tmp_path / "figures.csv"
    header = "as_of,metric,group,qualifier,value,value_high,place,reported_by,affiliation,"
    header += "outlet,published,url,quote,notes"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    flags = find_conflicts(load_figures(path).rows, load_vocabulary())
    assert [(flag.code, flag.lines[0]) for flag in flags].count(("decrease", 2)) == 2
    ids = [conflict_id(flag) for flag in flags]
    assert len(set(ids)) == len(ids)
    monkeypatch.setenv("FIGURES_DATA", str(path))
    at = app()
    assert not at.exception
    for key in ids:
        at.button(key=f"highlight-{key}")  # each flag has its own control


def test_the_figures_table_links_only_http_addresses(data_file):
    with data_file.open("a", encoding="utf-8") as handle:
        handle.write(
            "2023-09-26,arrived,,,28000,,Armenia,Government of Armenia,armenia,Armenpress,"
            "2023-09-26,https://armenpress.am/eng/news/1,quote,\n"
        )
    at = app()
    table = at.dataframe[0].value
    linked = table.set_index("Line")["Source"]
    assert linked[15] == "https://armenpress.am/eng/news/1"
    assert linked[2] is None or pd.isna(linked[2])
    assert {"Reported by", "Outlet", "As of", "Published", "Figure", "Quote"} <= set(table)


# ---------------------------------------------------------------------------------------------
# Other states of the file.


def test_an_empty_file_shows_an_empty_page_not_an_error(tmp_path, monkeypatch):
    empty = tmp_path / "figures.csv"
    empty.write_bytes(b"")
    monkeypatch.setenv("FIGURES_DATA", str(empty))
    at = app()
    assert not at.exception
    assert any("holds no valid figures yet" in text for text in texts(at.info))
    assert "needs at least a header row" in at.dataframe[-1].value["Problem"].iloc[0]
    assert not at.get("vega_lite_chart")


def test_a_header_without_rows_is_the_no_figures_state(tmp_path, monkeypatch):
    header_only = tmp_path / "figures.csv"
    header_only.write_text(SHIPPED.read_text(encoding="utf-8").splitlines()[0] + "\n")
    monkeypatch.setenv("FIGURES_DATA", str(header_only))
    at = app()
    assert not at.exception
    assert any("holds no valid figures yet" in text for text in texts(at.info))
    assert "No conflicting figures in this view." in texts(at.info)


def test_a_missing_file_gives_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("FIGURES_DATA", str(tmp_path / "nowhere.csv"))
    at = app()
    assert not at.exception
    assert "there is no file at" in at.error[0].value
    assert "FIGURES_DATA" in at.error[0].value


def test_a_metrics_file_saved_in_a_spreadsheet_encoding_is_named_not_a_traceback(data_file):
    (data_file.parent / "metrics.csv").write_bytes(
        "metric,label,unit,kind\nfled,Personnes d\u00e9plac\u00e9es,people,cumulative\n".encode(
            "cp1252"
        )
    )
    at = app()
    assert not at.exception
    message = at.error[0].value.replace("\\", "")  # as shown, without Markdown escapes
    assert "vocabulary cannot be read" in message
    assert "metrics.csv, line 2" in message
    assert "not UTF-8 text" in message


def test_a_fault_in_the_loader_is_a_message_not_a_traceback(data_file, monkeypatch):
    def broken(*_: Any, **__: Any) -> None:
        raise ValueError("too many values to unpack")

    monkeypatch.setattr(figures.ui.state, "load_figures", broken)
    at = app()
    assert not at.exception
    assert "could not be loaded because of a fault in the program" in at.error[0].value


def test_bad_rows_are_reported_and_the_good_rows_still_charted(data_file):
    with data_file.open("a", encoding="utf-8") as handle:
        handle.write("2023-09-31,fled,,,100,,NK,Someone,armenia,Out,,,q,\n")  # line 15
        handle.write("2023-09-26,fled,,,lots,,NK,Someone,armenia,Out,,,q,\n")  # line 16
        handle.write("2023-09-26,unicorns,,,5,,NK,Someone,armenia,Out,,,q,\n")  # line 17
    at = app()
    assert not at.exception
    assert set(chart_rows(at)["line"]) == set(range(2, 15))
    report = at.dataframe[-1].value
    assert list(report["Line"]) == [15, 16, 17]
    assert list(report["Column"]) == ["as_of", "value", "metric"]
    assert "3 problems in 3 rows" in at.warning[0].value


def test_two_names_declared_one_place_while_the_app_runs_are_compared_on_the_next_run(
    tmp_path, monkeypatch
):
    for name in ("metrics.csv", "groups.csv"):
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    (tmp_path / "places.csv").write_text("name,same_place_as,description\n")
    target = tmp_path / "figures.csv"
    target.write_text(
        "as_of,metric,value,place,reported_by,affiliation,outlet,quote\n"
        "2023-09-19,troops,0,Nagorno-Karabakh,MFA,armenia,MFA,none\n"
        "2023-09-19,troops,10000,Artsakh,Envoy,azerbaijan,Paper,10000\n"
    )
    monkeypatch.setenv("FIGURES_DATA", str(target))
    at = app()
    assert "0 conflicts" in page_text(at)
    (tmp_path / "places.csv").write_text(
        "name,same_place_as,description\nArtsakh,Nagorno-Karabakh,an example link\n"
    )
    at.run()
    assert not at.exception
    assert "1 conflict" in page_text(at)


def test_rows_appended_while_the_app_runs_appear_on_the_next_run(data_file, monkeypatch):
    calls: list[str] = []
    real = figures.ui.state.load_figures

    def counting(*args: Any, **kwargs: Any):
        calls.append(str(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(figures.ui.state, "load_figures", counting)
    at = app()
    at.run()
    assert len(calls) == 1, "a rerun on an unchanged file does not parse it again"
    with data_file.open("a", encoding="utf-8") as handle:
        handle.write("2023-09-26,fled,,more_than,50000,,Nagorno-Karabakh,UNHCR,un,UNHCR,,,q,\n")
    # A new size is enough even where the clock does not tick between two writes.
    os.utime(data_file, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    at.run()
    assert not at.exception
    assert len(calls) == 2
    assert 15 in set(chart_rows(at)["line"])
    assert "UNHCR" in set(chart_rows(at)["reporter"])


# ---------------------------------------------------------------------------------------------
# The view in the URL.


def test_a_filter_in_the_url_is_applied_and_shown_in_its_widget(data_file):
    at = app(metric="troops")
    assert not at.exception
    assert at.multiselect(key="f_metric").value == ["troops"]
    for spec in specs(at):
        assert panel_titles(spec) == ["Troops · Nagorno-Karabakh"]
    assert set(chart_rows(at)["line"]) == {12, 13, 14}
    assert url(at)["metric"] == ["troops"]


def test_unknown_values_and_keys_in_the_url_are_ignored_with_a_notice(data_file):
    at = app(metric=["troops", "unicorns"], colour="red", log="maybe", to="30/09/2023")
    assert not at.exception
    notices = "\n".join(texts(at.warning))
    assert "Ignored metric='unicorns'" in notices
    assert "Ignored colour=" in notices
    assert "Ignored log='maybe'" in notices
    assert "Ignored to='30/09/2023'" in notices
    assert at.multiselect(key="f_metric").value == ["troops"]
    assert url(at) == {"metric": ["troops"]}, "the URL keeps only what was understood"


def test_changing_a_filter_changes_the_charts_and_the_url(data_file):
    at = app()
    before = specs(at)
    at.multiselect(key="f_metric").select("fled").run()
    assert not at.exception
    after = specs(at)
    assert panel_titles(before[0]) != panel_titles(after[0])
    assert panel_titles(after[0]) == ["People who fled · Nagorno-Karabakh"]
    assert set(chart_rows(at)["line"]) == {7, 9}
    assert url(at) == {"metric": ["fled"]}
    assert "No conflicting figures in this view." in texts(at.info)


def test_dates_colour_and_log_scale_live_in_the_url(data_file):
    at = app(**{"from": "2023-09-25", "color": "affiliation", "log": "1"})
    assert not at.exception
    assert set(chart_rows(at)["line"]) == {6, 7, 8, 9, 11}  # as of 25 Sep or later
    timeline = specs(at)[0]
    points = next(
        layer
        for layer in next(p for p in chart_parts(timeline) if "facet" in p)["spec"]["layer"]
        if charts.POINTS_FILTER in str(layer.get("transform"))
    )
    assert points["encoding"]["y"]["scale"]["type"] == "symlog"
    assert points["encoding"]["color"]["title"] == "Reporter's side"
    assert url(at) == {"from": ["2023-09-25"], "color": ["affiliation"], "log": ["1"]}
    at.toggle(key="f_log").set_value(False).run()
    assert "log" not in url(at)


def test_the_chart_shown_is_chosen_above_it_and_kept_in_the_url(data_file):
    at = app(metric="troops")
    at.button_group(key="f_chart").set_value("by-source").run()
    assert not at.exception
    by_source = specs(at)
    assert [spec["title"]["text"] for spec in by_source] == ["Figures by source"]
    # The same three troops figures, a row per reporter, in the same frame as the timeline.
    assert set(chart_rows(at)["line"]) == {12, 13, 14}
    assert by_source[0]["title"]["subtitle"][0].startswith("Troops · figures as reported")
    assert url(at) == {"metric": ["troops"], "chart": ["by-source"]}
    # A shared link opens the same chart; a chart the page does not have is named, not drawn.
    assert [s["title"]["text"] for s in specs(app(chart="by-source"))] == ["Figures by source"]
    wrong = app(chart="map")
    assert [s["title"]["text"] for s in specs(wrong)] == ["Reported figures over time"]
    assert "Ignored chart='map'" in page_text(wrong)


def test_a_view_with_nothing_in_it_says_so(data_file):
    at = app(metric="troops", affiliation="russia")
    assert not at.exception
    assert any("No figures match these filters" in text for text in texts(at.info))
    assert not at.get("vega_lite_chart")
    assert "No conflicting figures in this view." in texts(at.info)


def test_clear_filters_returns_to_everything(data_file):
    at = app(metric="troops")
    at.button(key="clear_filters").click().run()
    assert at.multiselect(key="f_metric").value == []
    assert url(at) == {}
    assert len(set(chart_rows(at)["line"])) == 13


def test_the_briefing_view_has_no_sidebar(data_file):
    at = app(view="briefing", metric="troops")
    assert not at.exception
    assert not at.sidebar.children or not list(at.sidebar)
    assert not at.multiselect


def test_a_briefing_link_keeps_its_filters_and_the_address_then_names_the_page(data_file):
    # ?view=briefing links predate the pages' own paths: the briefing opens with the link's
    # filters, and the address keeps them (without `view`), so a copy of it reopens the same.
    at = app(view="briefing", metric="troops")
    assert not at.exception
    assert url(at) == {"metric": ["troops"]}
    assert any("<b>Troops</b>" in text for text in texts(at.markdown))
    at.run()
    assert any("<b>Troops</b>" in text for text in texts(at.markdown))
    assert not at.multiselect, "a rerun stays on the briefing"


def test_an_unknown_view_in_a_link_opens_the_dashboard(data_file):
    at = app(view="nonsense")
    assert not at.exception
    assert at.title[0].value == "Reported refugee-flow figures"
    assert at.multiselect(key="f_metric").value == []


def test_the_guide_for_analysts_opens_in_the_page(data_file):
    at = app(view="adding-figures")
    assert not at.exception
    assert "Back to the dashboard" in at.markdown[0].value
    assert url(at) == {}


def test_the_data_path_comes_from_the_command_line_then_the_environment():
    assert data_path(["--data", "other.csv"], {"FIGURES_DATA": "env.csv"}) == Path("other.csv")
    assert data_path([], {"FIGURES_DATA": "env.csv"}) == Path("env.csv")
    assert data_path([], {}) == default_data_path()


def test_the_sidebars_choices_are_those_of_the_filters_module():
    # figures.ui.state computes them column-wise for speed; they must be the same answer.
    from figures.filters import filter_choices
    from figures.ui.state import choices_for
    from tests.support import HEADER, VOCABULARY, load

    text = "\n".join(
        [
            HEADER,
            "2023-09-25,arrived,,,2900,,Armenia,B reporter,armenia,Out,,,q,",
            "2023-09-20T08:00,fled,children,,10,,,a reporter,un,Out,,,q,",
            "2023-09-30,troops,,,0,,Nagorno-Karabakh,Ä reporter,media,Out,,,q,",
        ]
    )
    for rows in (load(text).rows, load_figures_rows(SHIPPED), load(HEADER).rows):
        assert choices_for(rows, VOCABULARY) == filter_choices(rows, VOCABULARY)


def load_figures_rows(path: Path) -> pd.DataFrame:
    from figures.validation import load_figures

    return load_figures(path).rows


def test_the_headline_takes_the_latest_figure_of_each_side():
    from figures.per_side import latest_positions
    from tests.support import HEADER, load

    text = "\n".join(
        [
            HEADER,
            "2023-09-25,fled,,,100,,NK,A,armenia,Out,2023-09-25,,q,",  # line 2
            "2023-09-26,fled,,,200,,NK,B,armenia,Out,2023-09-26,,q,",  # 3: later as_of
            "2023-09-24,fled,,,300,,NK,C,armenia,Out,2023-09-30,,q,",  # 4: earlier as_of
            "2023-09-26,fled,,,400,,NK,D,azerbaijan,Out,2023-09-27,,q,",  # 5
            "2023-09-26,fled,,,500,,NK,E,azerbaijan,Out,2023-09-26,,q,",  # 6: published earlier
            "2023-09-26,fled,children,,50,,NK,F,armenia,Out,,,q,",  # 7: another group
            "2023-09-26,fled,children,,60,,NK,G,armenia,Out,,,q,",  # 8: same, later line
        ]
    )
    rows = load(text).rows
    latest = rows.iloc[latest_positions(rows)]
    assert sorted(latest["line"]) == [3, 5, 8]


def test_big_views_are_drawn_on_a_canvas_small_ones_as_svg():
    from figures.ui.sections.chart_display import CANVAS_FROM_FIGURES, browser_ready

    spec = {"vconcat": [], "config": {"view": {"stroke": None}}}
    assert browser_ready(spec, CANVAS_FROM_FIGURES) is spec
    big = browser_ready(spec, CANVAS_FROM_FIGURES + 1)
    assert big["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
    assert big["config"] == {"view": {"stroke": None}, "mark": {"aria": False}}
    assert "usermeta" not in spec, "the spec passed in is left as it was"


def test_both_charts_send_the_same_arrow_bytes_of_their_shared_table(data_file):
    at = app()
    (first,) = at.get("vega_lite_chart")
    at.button_group(key="f_chart").set_value("by-source").run()
    (second,) = at.get("vega_lite_chart")
    tables = [
        {d.name: d.data.data for d in chart.proto.datasets if d.name.startswith("figures")}
        for chart in (first, second)
    ]
    assert tables[0] == tables[1] and len(tables[0]) == 1


def test_the_figures_table_shows_a_page_at_a_time_latest_first(tmp_path, monkeypatch):
    from bench.synthetic import write_synthetic

    target = write_synthetic(tmp_path / "figures.csv", 250, seed=5)
    shutil.copy(ROOT / "data" / "metrics.csv", tmp_path / "metrics.csv")
    shutil.copy(ROOT / "data" / "groups.csv", tmp_path / "groups.csv")
    monkeypatch.setenv("FIGURES_DATA", str(target))
    at = app()
    assert not at.exception
    first = at.dataframe[0].value
    assert len(first) == TABLE_PAGE_ROWS
    loaded = figures.ui.state.load(target)
    every = loaded.result.rows
    latest = every.sort_values(["as_of", "line"], ascending=False)["line"].tolist()
    assert first["Line"].tolist() == latest[:100]
    at.number_input(key=W_TABLE_PAGE).set_value(3).run()
    assert at.dataframe[0].value["Line"].tolist() == latest[200:]
    # A new view starts at its first page.
    metric = loaded.choices.metrics[0]
    at.multiselect(key="f_metric").set_value([metric]).run()
    assert not at.exception
    assert at.session_state[W_TABLE_PAGE] == 1
    of_metric = every[every["metric"] == metric].sort_values(["as_of", "line"], ascending=False)
    assert at.dataframe[0].value["Line"].tolist() == of_metric["line"].tolist()[:100]


def test_the_downloads_and_the_form_are_built_once_opened(data_file):
    at = app()
    assert [e.label for e in at.expander] == [
        "Download these charts, the figures and a briefing note",
        "Add a figure",
    ]
    assert not at.get("download_button"), "nothing built while the section is closed"
    at.session_state["downloads"] = True
    at.run()
    assert not at.exception
    assert len(at.get("download_button")) == 7


def test_the_headline_shows_the_datas_text_as_text_not_html(data_file):
    with data_file.open("a", encoding="utf-8") as handle:
        handle.write(
            "2023-09-30,arrived,,,29000,,<b>Goris</b>,<img src=x onerror=alert(1)>,other,Out,"
            "2023-09-30,,quote,\n"
        )
    at = app(metric="arrived")
    assert not at.exception
    for css_class in ("per-side", "lead"):
        (table,) = [str(e.value) for e in at.get("html") if f'class="{css_class}"' in e.value]
        assert "<img" not in table and "<b>Goris" not in table
        assert "&lt;img src=x onerror=alert(1)&gt;" in table and "&lt;b&gt;Goris" in table


def test_a_part_of_the_page_that_fails_leaves_the_filters_as_they_were(data_file, monkeypatch):
    # The widgets are drawn last; a run that failed before drawing them would drop their
    # state, and the view with it.
    at = app(metric="troops")
    assert at.multiselect(key="f_metric").value == ["troops"]

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a broken part of the page")

    monkeypatch.setattr(figures.ui.pages.dashboard, "headline", broken)
    at.run()
    assert at.exception
    assert at.multiselect(key="f_metric").value == ["troops"]
    monkeypatch.undo()
    at.run()
    assert not at.exception
    assert at.multiselect(key="f_metric").value == ["troops"]
    assert url(at) == {"metric": ["troops"]}


def _time_domains(spec: object) -> list[list[str]]:
    """Every UTC time-scale domain in a spec, wherever it is nested."""
    found: list[list[str]] = []
    if isinstance(spec, dict):
        scale = spec.get("scale")
        if isinstance(scale, dict) and scale.get("type") == "utc" and "domain" in scale:
            found.append(scale["domain"])
        for value in spec.values():
            found += _time_domains(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _time_domains(value)
    return found


def test_dates_the_user_narrowed_are_the_timeline_axis(data_file: Path) -> None:
    at = app(**{"from": "2023-09-20", "to": "2023-09-28"})
    assert not at.exception
    domains = _time_domains(specs(at)[0])
    assert domains, "the timeline has a time axis"
    # The axis runs over the chosen dates, padded by a couple of days so end marks show.
    assert all("2023-09-17" <= d[0][:10] <= "2023-09-20" for d in domains)
    assert all("2023-09-28" <= d[1][:10] <= "2023-10-01" for d in domains)


def test_a_new_server_imports_no_altair_before_the_first_chart():
    # Every page's module is imported when a server starts; Altair's import (about 0.2 s)
    # delayed the dashboard's first chart until only the exports imported it.
    import subprocess
    import sys

    probe = "import sys, figures.ui; print(sorted(m for m in sys.modules if m == 'altair'))"
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
