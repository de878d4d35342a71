"""Data: reading the processed folder. The descriptor (subject, sources, licences, hashes) and
the table loaders. Imports only :mod:`helpers.core`.
"""
