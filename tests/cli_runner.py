"""Run the milint command line on a folder: in this process (fast; the same parsing, configuration,
run and output code) or, with process=True, as a real `python -m milint` subprocess."""
import contextlib
import io
import os
import subprocess
import sys
from types import SimpleNamespace


def milint(*args, cwd, process=False):
    argv = [str(a) for a in args]
    if process:
        return subprocess.run([sys.executable, "-m", "milint", *argv], capture_output=True, text=True, cwd=cwd,
                              timeout=120)
    from milint.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(here)
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())
