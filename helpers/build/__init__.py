"""Build: raw sources to processed tables (``python -m helpers.build``).

Sources and their readers, statements, dates, the extraction rules and stages, reconciliation,
the descriptor writer and the atomic commit. Imports only :mod:`helpers.core`.
"""
