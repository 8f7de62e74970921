"""How `ticketgw` fails: one line on stderr and an exit status per kind of expected failure.

Scripts can tell the failures apart by status; people read the line. Anything not listed here
is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import NoReturn


class ExitStatus(IntEnum):
    OK = 0
    # The command could not do what was asked: refused by the data (no such workspace, a
    # duplicate slug...) or its input file is missing or unreadable (`import`: "could not run").
    REFUSED = 1
    NO_SUCH_FILE = 1
    USAGE = 2  # wrong or missing flags (argparse's own status)
    REJECTED = 3  # import: it ran, and some records were rejected (the summary says which)
    DATABASE_UNREACHABLE = 4  # the database did not answer (server down, no such file's folder)
    BAD_DATABASE_URL = 5  # TICKETGW_DATABASE_URL / --database-url is not a URL we can use
    NO_DATABASE_YET = 6  # serve would create a new, empty database: pass --create
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


class CliError(Exception):
    """An expected failure: `message` is the whole explanation, on one line."""

    def __init__(self, status: ExitStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def fail(error: CliError) -> NoReturn:
    print(f"ticketgw: error: {error.message}", file=sys.stderr, flush=True)
    raise SystemExit(int(error.status))
