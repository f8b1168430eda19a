"""`riskreg tui`, the coordinator's desk: the ledger on one keyboard-driven screen (Textual).

A user interface beside the command line, on the same domain functions: it imports domain, render and store, never
the command line, and nothing below imports it (pyproject.toml's layers). Only `riskreg tui` imports it, so no
other command loads Textual.
"""
