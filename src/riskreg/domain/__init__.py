"""The domain: ledger rules, validation, queries, reporting, trends, integrity and the catalogue.

Plain functions over a Session that return plain data and raise riskreg.errors; uses only the store.
"""
