"""Charter's app served by uvicorn on a loopback port, in a thread of the test process."""

from __future__ import annotations

import threading

import uvicorn

from charter.api.app import create_app
from charter.api.server import uvicorn_options
from charter.runtime import Runtime
from tests.support.upstream import free_port, wait_for_port


class LiveCharter:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(rt.settings, runtime=rt)
        options = uvicorn_options(rt.settings) | {"log_level": "warning"}
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, lifespan="on", **options)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> LiveCharter:
        self._thread.start()
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(15)
