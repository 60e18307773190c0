"""The dashboard: `streamlit run app.py [-- --data PATH]`. Widgets live in figures/ui.py."""

from figures.ui import main

main()
