"""Renderers: plain data in, text out. They know nothing of the database."""
