"""Where the dataset lives: the one default path every command and page starts from."""

from pathlib import Path

# The repository root, so the app finds its data wherever `streamlit run` is started from.
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_PATH = Path("data") / "figures.csv"


def default_data_path() -> Path:
    """The shipped file: relative when run from the repository root (as messages print it)."""
    if (Path.cwd() / DEFAULT_DATA_PATH).resolve() == (ROOT / DEFAULT_DATA_PATH).resolve():
        return DEFAULT_DATA_PATH
    return ROOT / DEFAULT_DATA_PATH
