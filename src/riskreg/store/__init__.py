"""The store: where the register is, the engine, backend differences, models, migrations and copy.

Imports nothing above it (docs/ARCHITECTURE.md).
"""
