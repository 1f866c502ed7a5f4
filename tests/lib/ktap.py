# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""ktap.py - result lines for Python test programs; the same output as
tests/lib/ktap.sh and the C runner vtl1/tests/check.[ch].

    import ktap                 # tests/lib on sys.path
    ktap.plan(n)                # "KTAP version 1", "1..n" (optional;
                                # without it done() prints the plan)
    ktap.result(ok, name, why)  # "ok N name" / "not ok N name", then
                                # "# why" on a failure when why is given
    ktap.skip(name, reason)     # "ok N name # SKIP reason": counted as
                                # skipped, neither passed nor failed
    ktap.diag(text)             # "# text", one line per line of text
    ktap.set_quiet(True)        # passing results counted, not printed
                                # (programs with thousands of results)
    sys.exit(ktap.done())       # "# S skipped", "P passed, F failed" (the
                                # last line); 1 if anything failed, else 0
"""

import sys

_n = _passed = _failed = _skipped = 0
_header = _planned = _quiet = False


def _line(text):
    global _header
    if not _header:
        _header = True
        print("KTAP version 1")
    print(text)


def plan(n):
    """Print the KTAP header and the plan 1..n."""
    global _planned
    _planned = True
    _line("1..%d" % n)


def set_quiet(quiet):
    """Quiet: passing results are counted but not printed."""
    global _quiet
    _quiet = bool(quiet)


def diag(text):
    """Print text as diagnostic lines ("# ...")."""
    for line in str(text).splitlines() or [""]:
        _line("# " + line if line else "#")


def result(ok, name, why=""):
    """One result; returns ok as a bool."""
    global _n, _passed, _failed
    _n += 1
    ok = bool(ok)
    if not (ok and _quiet):
        _line("%s %d %s" % ("ok" if ok else "not ok", _n, name))
    if ok:
        _passed += 1
    else:
        _failed += 1
        if why:
            diag(why)
    return ok


def skip(name, reason):
    """A result that did not run its check: neither passed nor failed."""
    global _n, _skipped
    _n += 1
    _skipped += 1
    _line("ok %d %s # SKIP %s" % (_n, name, reason))


def counts():
    """(passed, failed, skipped) so far."""
    return _passed, _failed, _skipped


def done():
    """Print the totals (the program's last lines); the exit status."""
    if not _planned:
        _line("1..%d" % _n)
    print("# %d skipped" % _skipped)
    print("%d passed, %d failed" % (_passed, _failed))
    sys.stdout.flush()
    return 1 if _failed else 0
