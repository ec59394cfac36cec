"""A local stand-in for s3.amazonaws.com: serves certificate chains over HTTPS with a test CA.

Paths under /echo.api/: ``good.pem`` (the chain at once), ``slow-*.pem`` (one byte every
half second, as a dripping host would), ``redirect.pem`` (a 302 to good.pem), ``huge.pem``
(200 KB), anything else 404. ``requests`` records every path asked for.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from testca import TestCA, make_leaf_cert, pem


class CertHost:
    """The server and what it was asked for; ``address`` is (host, port)."""

    def __init__(self, ca: TestCA, folder: Path) -> None:
        leaf = make_leaf_cert(
            ca.leaf_key, ca.intermediate, ca.intermediate_key, dns_names=("s3.amazonaws.com",)
        )
        (folder / "host.pem").write_bytes(pem(leaf, ca.intermediate))
        (folder / "host.key").write_bytes(
            ca.leaf_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(folder / "host.pem", folder / "host.key")
        self.chain = ca.chain_pem
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.address = self.server.server_address[:2]

    def client_context(self, ca: TestCA) -> ssl.SSLContext:
        return ssl.create_default_context(cadata=ca.root_pem.decode("ascii"))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                host.requests.append(self.path)
                name = self.path.rsplit("/", 1)[-1].split("?")[0]
                if name == "good.pem":
                    self._send(200, host.chain)
                elif name == "redirect.pem":
                    self.send_response(302)
                    self.send_header("Location", "https://s3.amazonaws.com/echo.api/good.pem")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif name == "huge.pem":
                    self._send(200, b"A" * 200_000)
                elif name.startswith("slow-"):
                    self.send_response(200)
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    while not host.stopping.wait(0.5):
                        try:
                            self.wfile.write(b"-")
                            self.wfile.flush()
                        except OSError:
                            return
                else:
                    self._send(404, b"no such key")

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def cert_host(ca: TestCA, folder: Path) -> Iterator[CertHost]:
    host = CertHost(ca, folder)
    host.start()
    try:
        yield host
    finally:
        host.stop()


@contextmanager
def silent_host() -> Iterator[tuple[str, int]]:
    """Accepts TCP connections and never says anything (a TLS handshake that never ends)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[:2]
    finally:
        stopping.set()
        thread.join(2)
        for connection in held:
            connection.close()
        listener.close()


def wait_for(predicate, timeout: float) -> bool:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
