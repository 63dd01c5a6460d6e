"""Output formats.  Each renders a finished `milint.engine.Report` into text."""
