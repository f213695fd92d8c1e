"""The ``grnsearch`` command line: parses arguments and calls the library, nothing more.

Exit codes: 0 success (and for hill-check, the Hill model performs the task), 1 hill-check's
model does not perform it, 2 an error the user can fix (one line ``grnsearch: error: ...``
naming the command-line flag at fault), 70 an unexpected internal error (one line with the path
of a log file holding the traceback, see :func:`crash_log_dir`), 130 interrupted by Ctrl-C
(SIGINT) and 143 terminated by SIGTERM, each with one line; 141 when the reader of standard
output went away (a pipe into ``head``), quietly. An interrupt is handled at any
moment, including while the library and jax are imported: this module imports only the
standard library until the command runs.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from grnsearch import __version__
from grnsearch.errors import GrnsearchError

EXIT_USAGE = 2
EXIT_CRASH = 70  # EX_SOFTWARE of sysexits.h
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a command killed by a closed pipe returns
NOTHING_KEPT = "output directories appear only once complete; run the same command again"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every clean-up that handles an interrupt runs."""


class _Interrupts:
    """Signal handler for SIGINT and SIGTERM: the first signal raises (KeyboardInterrupt or
    Terminated); later ones are only recorded, so that clean-up is not itself interrupted.

    A Python signal handler runs wherever the main thread is, including inside callbacks whose
    exceptions the interpreter ignores (jax's garbage-collection callback): the interrupt is
    then reported as "Exception ignored" and lost. The unraisable-exception hook catches that
    case and delivers the signal again, a few times at most.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self.armed = True
        self.redeliveries = 3

    def __call__(self, signum: int, frame: Any) -> None:
        self.received = self.received or signum
        if self.armed:
            self.armed = False
            raise Terminated() if self.received == signal.SIGTERM else KeyboardInterrupt()

    def _unraisable(self, previous: Callable[[Any], None]) -> Callable[[Any], None]:
        def hook(unraisable: Any) -> None:
            if isinstance(unraisable.exc_value, KeyboardInterrupt) and self.received and self.redeliveries:
                self.redeliveries -= 1
                self.armed = True
                threading.Timer(0.01, os.kill, (os.getpid(), self.received)).start()
                return
            previous(unraisable)

        return hook

    def install(self) -> Callable[[], None]:
        """Install the handlers (main thread only; a SIGINT ignored by the parent, as for a
        background job of a shell script, stays ignored); returns what restores the old ones."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        wanted = [signal.SIGTERM]
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            wanted.append(signal.SIGINT)
        previous = {s: signal.signal(s, self) for s in wanted}
        previous_hook = sys.unraisablehook
        sys.unraisablehook = self._unraisable(previous_hook)

        def restore() -> None:
            for s, handler in previous.items():
                signal.signal(s, handler)
            sys.unraisablehook = previous_hook

        return restore


def crash_log_dir() -> Path:
    """Where tracebacks of unexpected errors go: ``$GRNSEARCH_LOG_DIR``, else
    ``$XDG_STATE_HOME/grnsearch`` (default ``~/.local/state/grnsearch``)."""
    if os.environ.get("GRNSEARCH_LOG_DIR"):
        return Path(os.environ["GRNSEARCH_LOG_DIR"])
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "grnsearch"


def _write_crash_log(argv: Sequence[str]) -> Path:
    """Write the current exception's traceback to a new log file and return its path (a
    temporary directory when the log directory cannot be written)."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"grnsearch {__version__}, Python {sys.version.split()[0]}\n"
        f"command: grnsearch {' '.join(argv)}\n\n{traceback.format_exc()}"
    )
    for directory in (crash_log_dir(), Path(tempfile.gettempdir()) / "grnsearch"):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"crash-{stamp}-{os.getpid()}.log"
            path.write_text(text)
            return path
        except OSError:
            continue
    raise OSError("no writable directory for the crash log")


def _run(argv: Sequence[str], context: dict[str, Any]) -> int:
    """Import the commands, parse ``argv`` and run the command; library errors become one line."""
    # the commands import the library and jax (seconds), so their import is deferred until main's
    # interrupt handler is installed: a Ctrl-C meanwhile exits cleanly (deferred on purpose)
    from grnsearch.cli.options import FLAGS
    from grnsearch.cli.parser import build_parser  # deferred, as above

    args = build_parser().parse_args(argv)
    context["args"] = args
    try:
        return args.handler(args)
    except GrnsearchError as err:
        print(f"grnsearch: error: {err.renamed(FLAGS)}", file=sys.stderr)
        return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``grnsearch`` command; returns the exit code (module docstring).

    Without ``argv`` (the console script, ``python -m grnsearch.cli``) the command owns the
    process, and an interrupted one ends it with ``os._exit`` once its own clean-up has run:
    the interpreter's teardown would destroy jax's XLA client while XLA threads may still be
    compiling or running a program for it, which crashes (ARCHITECTURE.md, Validation and
    errors).
    """
    own_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    interrupts = _Interrupts()
    restore = interrupts.install()
    context: dict[str, Any] = {}
    code: int | None = None
    try:
        try:
            try:
                code = _run(argv, context)
            except BrokenPipeError:
                code = _output_closed()
            except Exception as err:  # anything else is a bug: one line here, the traceback in a log
                code = _crashed(argv, err)
        except KeyboardInterrupt:
            code = None
        finally:
            interrupts.armed = False  # from here on a signal is only recorded
        if code is None or interrupts.received is not None:
            code = _interrupted(interrupts.received, context.get("args"))
            if own_process:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        return code
    finally:
        restore()


def _output_closed() -> int:
    """The reader of standard output went away (``grnsearch task show adaptation | head``): stop
    quietly, as a command ended by SIGPIPE would; standard output now goes nowhere, so the
    interpreter's final flush has nothing to complain about."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # an in-process stdout without a file descriptor
        pass
    return EXIT_BROKEN_PIPE


def _crashed(argv: Sequence[str], err: Exception) -> int:
    """Report an unexpected exception in one line and its traceback in a log file."""
    log = _write_crash_log(argv)
    print(
        f"grnsearch: internal error ({type(err).__name__}: {_first_line(err)}); the traceback is in {log}; "
        "please report it",
        file=sys.stderr,
    )
    return EXIT_CRASH


def _first_line(err: Exception, limit: int = 200) -> str:
    """The first line of an exception's message, shortened, so that the report stays one line."""
    lines = str(err).strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 3] + "..."


def _interrupted(signum: int | None, args: argparse.Namespace | None) -> int:
    """Say what an interruption kept, once; the exit code of the signal."""
    kept = getattr(args, "interrupted", NOTHING_KEPT)
    if signum == signal.SIGTERM:
        print(f"grnsearch: terminated; {kept}", file=sys.stderr)
        return EXIT_TERMINATED
    print(f"grnsearch: interrupted; {kept}", file=sys.stderr)
    return EXIT_INTERRUPTED
