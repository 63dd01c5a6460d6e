"""milint: a linter for Azure managed identities in templates, scripts, code and docs."""

__version__ = "0.1.0"
