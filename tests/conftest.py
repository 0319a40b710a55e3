"""Shared fixtures: the real encoder and the trained default model, each loaded once per session."""

from __future__ import annotations

import copy

import pytest

from classifier import Classifier, default_model_dir
from classifier.encoder import CachedEncoder, SentenceTransformerEncoder


@pytest.fixture(scope="session")
def encoder() -> CachedEncoder:
    return CachedEncoder(SentenceTransformerEncoder())


@pytest.fixture(scope="session")
def _classifier(encoder) -> Classifier:
    path = default_model_dir()
    if not (path / "manifest.json").exists():
        pytest.fail(f"no trained model at {path}: run `make model` (make test does it first)")
    return Classifier.load(path, encoder=encoder)


@pytest.fixture
def clf(_classifier) -> Classifier:
    """A shallow copy per test, so a test that changes settings does not leak into others."""
    return copy.copy(_classifier)


class LiveServer:
    """The real app served by uvicorn on a loopback port, in a thread of the test process."""

    def __init__(self, app):
        import socket
        import threading

        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        import time

        self.thread.start()
        deadline = time.time() + 30
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(_classifier):
    from service import Settings, create_app

    with LiveServer(create_app(Settings(), classifier=_classifier)) as server:
        yield server
