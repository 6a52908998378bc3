"""An ASGI app under uvicorn in a daemon thread, for the fake vendor servers."""

import socket
import threading
import time

import uvicorn
from starlette.types import ASGIApp


class ThreadedServer:
    """Serves `app` on a 127.0.0.1 port bound here (no port race) until `stop`."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.name = name
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        """Start serving; the port."""
        listener = socket.create_server(("127.0.0.1", 0))
        port = int(listener.getsockname()[1])
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [listener]}, daemon=True
        )
        self._thread.start()
        for _ in range(500):
            if self._server.started:
                return port
            if not self._thread.is_alive():
                break
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None
