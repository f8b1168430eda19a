"""Exchange formats: JSON Lines, and spreadsheets read, checked and written.

Uses the domain and the store, and the renderers' formatting for the sheets it writes.
"""
