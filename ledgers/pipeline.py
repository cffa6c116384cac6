"""A large ledger written by two processes at once: this one reads and builds the rows, a forked
child writes them to the workbook.

An export of every task is two jobs of about the same size, both Python: reading the tasks,
shares and reports and building each row (`ledgers.selectors`, `ledgers.rows`), and turning the
rows into XML (`ledgers.xlsx`, XlsxWriter). One process does them one after the other; here the
child writes while this process reads, so on a machine with two cores a large export takes about
as long as the longer of the two instead of their sum (README, "Performance").

The child is forked once the rows start and receives them through a pipe in batches; a thread
here keeps up to QUEUED_BATCHES batches queued for it, so the child has rows to write while this
process waits for the database, and neither side runs further ahead than that (memory stays
flat). The child writes the workbook to a temporary file with the same `xlsx.write_ledger` as an
in-process export and sends back how many task rows it wrote and how far its memory rose. It
never touches the database: every query runs here, in this process's connection and
transaction. If either side fails, the other is stopped, the temporary file is removed, and the
error is raised here; nothing half-written reaches the target. If the system refuses the fork,
the ledger is written here instead.

Used above `settings.LEDGER_WRITER_PROCESS_ROWS` task rows (the Celery export job, the
`export_ledger` command) where the platform can fork; below it, or where it cannot, the ledger
is written in this process (`ledgers.exports.export` decides).
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import socket
import tempfile
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from .rows import Ledger, TaskRow
from .xlsx import Progress, measured_row, wrapped_columns, write_ledger

# Rows per message: large enough that pickling costs little per row, small enough that a batch
# (about 50 KB for ledger rows) keeps both processes busy and memory flat.
BATCH = 100
# Batches queued here for the child at most: while this process waits for the database, the child
# writes what it built before (5,000 rows, a few MB).
QUEUED_BATCHES = 50


class WriterFailed(RuntimeError):
    """The child process could not write the workbook."""


def can_fork() -> bool:
    return hasattr(os, "fork")


def _resident_kib(field: str) -> int | None:
    """VmRSS or VmHWM of this process in KiB (Linux); None elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def memory_mark() -> int | None:
    """This process's resident memory now, in KiB, with its high-water mark reset to it, so that
    memory_rise_kib(mark) later tells how far it rose in between (Linux); None elsewhere."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return None
    return _resident_kib("VmRSS")


def memory_rise_kib(mark: int | None) -> int | None:
    """How far the resident memory rose above `mark` (memory_mark) at its highest, in KiB."""
    peak = _resident_kib("VmHWM")
    return None if mark is None or peak is None else max(0, peak - mark)


def _child(conn, path: str, title: str, subtitle: str, columns) -> None:
    """The writer: rows from the pipe (None ends them) into the workbook at `path`."""
    try:
        mark = memory_mark()

        def received():
            while (batch := conn.recv()) is not None:
                yield from batch

        done = write_ledger(Ledger(title=title, subtitle=subtitle, columns=columns, rows=received()), path)
        conn.send(("done", done, memory_rise_kib(mark)))
    except BaseException as exc:  # noqa: BLE001 -- reported to the parent, which raises it
        # The parent removes the file too; this covers a parent killed outright (a worker's time
        # limit), whose end of the pipe the system closes: the child sees EOF and ends here.
        with contextlib.suppress(OSError):
            os.unlink(path)
        with contextlib.suppress(OSError, ValueError):
            conn.send(("failed", f"{type(exc).__name__}: {exc}", None))
    finally:
        conn.close()


def write_ledger_beside(
    ledger: Ledger, target, *, on_progress: Progress | None = None, every: int = 500, stats: dict | None = None
) -> int:
    """Write the 台账 to `target` (a path or a binary file) with a child process writing while
    this one builds the rows; returns the number of task rows. `stats`, when given, receives
    `writer_peak_kib`: how far the child's memory rose while it wrote."""
    folder = Path(target).parent if isinstance(target, str | os.PathLike) else None
    handle, path = tempfile.mkstemp(prefix="duban-ledger-", suffix=".xlsx", dir=folder)
    os.close(handle)
    child = None  # the writer's pid until it is reaped (exactly once: a pid is reused after)
    try:
        try:
            child, here = _fork_writer(path, ledger)
        except OSError:  # no process to spare (EAGAIN, ENOMEM): write here, as below the threshold
            return write_ledger(ledger, target, on_progress=on_progress, every=every)
        sender = _Sender(here)
        sender.start()
        try:
            _hand_over(ledger, sender, on_progress, every)
            sender.join()
            # The child's answer; after a failure of its own it has stopped reading and said why.
            outcome = _outcome(here, timeout=10 if sender.broken.is_set() else None)
        except BaseException:  # this process failed while handing rows over: stop both
            _stop(child)
            child = None
            sender.stop()
            raise
        finally:
            here.close()
        if outcome[0] != "done":
            raise WriterFailed(f"台账写入进程失败：{outcome[1]}")
        _reap(child)
        child = None
        if stats is not None:
            stats["writer_peak_kib"] = outcome[2]
        if isinstance(target, str | os.PathLike):
            os.replace(path, target)
        else:
            with open(path, "rb") as written:
                shutil.copyfileobj(written, target)
    finally:
        if child is not None:
            _stop(child)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    if on_progress is not None:
        on_progress(outcome[1], outcome[1])
    return outcome[1]


def _fork_writer(path: str, ledger: Ledger) -> tuple[int, Connection]:
    """Fork the writer; (its pid, this end of the pipe to it).

    A plain fork rather than multiprocessing.Process: exports run in Celery's pool processes,
    which multiprocessing counts as daemonic and forbids to start processes of their own. The
    child resets the signal handlers it inherited (a worker's or web server's), writes, and
    leaves with os._exit: nothing of the parent's (database connections, atexit hooks) is run
    or closed in it."""
    here_socket, there_socket = socket.socketpair()
    here, there = Connection(here_socket.detach()), Connection(there_socket.detach())
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            here.close()
            for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGCHLD"):
                if hasattr(signal, name):
                    signal.signal(getattr(signal, name), signal.SIG_DFL)
            _child(there, path, ledger.title, ledger.subtitle, ledger.columns)
            code = 0
        finally:
            os._exit(code)
    there.close()
    return pid, here


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)


class _Sender(threading.Thread):
    """Sends the queued batches to the child (None last), so that building rows here never waits
    for the child to read, and the child has rows to write while this process waits for the
    database. Once the child stops reading (it failed), the rest is dropped and `broken` set."""

    def __init__(self, conn):
        super().__init__(name="ledger-writer-feed", daemon=True)
        self.conn = conn
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUED_BATCHES)
        self.broken = threading.Event()

    def run(self) -> None:
        while True:
            batch = self.queue.get()
            if not self.broken.is_set():
                try:
                    self.conn.send(batch)
                except OSError:
                    self.broken.set()
            if batch is None:
                return

    def put(self, batch) -> bool:
        """Queue a batch; False once the child has stopped reading."""
        self.queue.put(batch)
        return not self.broken.is_set()

    def stop(self) -> None:
        """After a failure here: end the thread (the child is stopped already)."""
        self.broken.set()
        with contextlib.suppress(queue.Full):
            self.queue.put(None, timeout=5)
        self.join(timeout=5)


def _hand_over(ledger: Ledger, sender: _Sender, on_progress: Progress | None, every: int) -> None:
    """Queue every row for the child, batch by batch, then None; task rows are measured here and
    sent as plain tuples (height, light, values in column order: a tenth of a dataclass's
    unpickling). Stops early once the child has stopped reading (its message waits in the pipe)."""
    keys = [column.key for column in ledger.columns]
    measured = wrapped_columns(ledger.columns)
    batch: list = []
    done = 0
    total = ledger.total
    for row in ledger.rows:
        if type(row) is TaskRow:
            batch.append(measured_row(row, keys, measured))
            done += 1
            if on_progress is not None and done % every == 0:
                on_progress(done, total)
        else:
            batch.append(row)
        if len(batch) >= BATCH:
            if not sender.put(batch):
                break
            batch = []
    else:
        sender.put(batch)
    sender.put(None)


def _outcome(conn, timeout: float | None = None) -> tuple:
    """The child's last message: ("done", rows, peak KiB) or ("failed", why, None); a child that
    died without one (killed, out of memory) is a failure too."""
    try:
        if timeout is None or conn.poll(timeout):
            return conn.recv()
    except (EOFError, OSError):
        pass
    return ("failed", "写入进程意外退出", None)
