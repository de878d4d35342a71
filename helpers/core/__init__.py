"""Core: what every layer shares. Paths, errors, the schema and its vocabularies, places, text
escaping. Imports nothing else of the project.
"""
