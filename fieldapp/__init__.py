"""fieldapp: offline-first encrypted recorder for Operation Provide."""

__version__ = "0.1.0"
