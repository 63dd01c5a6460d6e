"""`python -m milint`.  For -m, Python puts the current folder first on sys.path, so a checked
repository holding `token.py` or `inspect.py` would be imported in place of the standard library's
module, and run.  Take the folder off the path before anything else is imported."""
import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from milint.cli import main  # noqa: E402  (only after the path is safe)

if __name__ == "__main__":  # worker processes started by "spawn" import this module again
    sys.exit(main())
