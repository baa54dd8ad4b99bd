"""A TCP proxy in front of a harness server that a test can cut: the network between a task and S3 failing.

`cut()` closes every open connection and refuses new ones (the client sees the connection closed before a response, as
when a route or an endpoint goes away); `restore()` accepts again. `cut_after(n)` cuts once n more bytes have gone
from the server to the clients: a response broken in the middle of a large object. `cut_path(text)` does the same to
the HTTP requests whose request line holds `text` only (one object's reads), as long as it lasts. `throttle(rate)`
slows every response to `rate` bytes a second per connection, so a test can act while an object streams.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class TcpProxy:
    target: tuple[str, int]
    host: str = "127.0.0.1"
    port: int = 0
    _listener: socket.socket | None = None
    _open: set[socket.socket] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cut: bool = False
    _budget: int | None = None  # bytes the server may still send before cut_after cuts
    _rate: float | None = None  # bytes a second per connection (throttle)
    _cut_path: str | None = None
    _requests: dict[socket.socket, bytes] = field(default_factory=dict)  # client socket -> its last request line
    cuts: int = 0  # how many times the link (or an object's requests) was cut

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> TcpProxy:
        self._listener = socket.create_server((self.host, self.port))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def cut(self) -> None:
        with self._lock:
            self._cut, self._budget = True, None
            self.cuts += 1
            for sock in self._open:
                _close(sock)
            self._open.clear()

    def cut_after(self, n_bytes: int) -> None:
        with self._lock:
            self._budget = n_bytes

    def cut_path(self, text: str) -> None:
        """Break the open requests whose request line holds text, and every new one, until restore()."""
        with self._lock:
            self._cut_path = text
            hit = [sock for sock, line in self._requests.items() if text.encode() in line]
            if hit:
                self.cuts += 1
            for sock in hit:
                _close(sock)

    def throttle(self, bytes_per_second: float | None) -> None:
        self._rate = bytes_per_second

    def restore(self) -> None:
        with self._lock:
            self._cut, self._budget, self._cut_path = False, None, None

    def stop(self) -> None:
        self.cut()
        if self._listener is not None:
            self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed: the proxy stopped
            if self._cut:
                client.close()  # refused while cut
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()  # the server behind is down: so is the link
                continue
            with self._lock:
                self._open |= {client, upstream}
            threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, client), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, client: socket.socket | None) -> None:
        """Copy src to dst; client is the client socket when src is the server."""
        try:
            while data := src.recv(16384):
                if client is None:
                    self._request_seen(src, data)
                else:
                    if self._spend(len(data)):
                        self.cut()
                        return
                    if self._rate:
                        time.sleep(len(data) / self._rate)
                dst.sendall(data)
        except OSError:
            pass  # either side closed, or the link was cut: the other pipe sees the same and ends
        finally:
            with self._lock:
                self._open -= {src, dst}
                self._requests.pop(src, None)
                self._requests.pop(dst, None)
            for sock in (src, dst):
                sock.close()

    def _request_seen(self, client: socket.socket, data: bytes) -> None:
        if data[:8].split(b" ", 1)[0] not in (b"GET", b"HEAD", b"PUT", b"POST", b"DELETE"):
            return  # the rest of a request body, not a new request
        line = data.split(b"\r\n", 1)[0]
        with self._lock:
            self._requests[client] = line
            if self._cut_path is not None and self._cut_path.encode() in line:
                self.cuts += 1
                _close(client)

    def _spend(self, n: int) -> bool:
        """Count n bytes from the server against cut_after's budget; True when it ran out."""
        with self._lock:
            if self._budget is None:
                return False
            self._budget -= n
            return self._budget <= 0


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by its other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def start(target_url: str) -> TcpProxy:
    """A proxy to an http://host:port URL (a harness server's endpoint)."""
    host, port = target_url.removeprefix("http://").rstrip("/").split(":")
    return TcpProxy(target=(host, int(port))).start()
