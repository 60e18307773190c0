"""The dashboard: `streamlit run app.py [-- --data PATH]`. Its pages live in figures/ui/."""

from figures.ui import main

main()
