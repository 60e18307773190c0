"""Reported refugee-flow figures: the contract, loading, conflicts, charts and exports.

Nothing in this package imports Streamlit except `figures.ui`.
"""
