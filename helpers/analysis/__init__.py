"""Analysis: what the notebooks compute and draw. Parameters, computations, the country profile,
data quality, charts and the posts map. Imports :mod:`helpers.data` and :mod:`helpers.core`.
"""
