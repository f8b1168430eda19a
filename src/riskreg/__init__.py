"""riskreg: a risk and responsibility register (风险责任清单台账)."""

__version__ = "0.1.0"
