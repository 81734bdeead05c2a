"""Real receivers for the delivery tests: an SMTP server (aiosmtpd) that can be told to refuse for a while,
and a local HTTP server standing in for the group robots, which checks DingTalk's signature as DingTalk does."""

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MailDrop:
    """The SMTP server's handler: keeps every accepted mail; answers 451 to DATA while `refusing`."""

    refusing: bool = False
    refused: int = 0
    mails: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 -- aiosmtpd's name
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 mailbox busy, try again later"
        self.mails.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def about(self, text: str) -> list[EmailMessage]:
        return [m for m in self.mails if text in str(m["Subject"])]


@contextmanager
def smtp_server() -> Iterator[tuple[MailDrop, int]]:
    drop, port = MailDrop(), free_port()
    controller = Controller(drop, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield drop, port
    finally:
        controller.stop()


@dataclass
class Call:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any]
    signature_ok: bool | None  # DingTalk: the `sign` matched the `timestamp` under the secret; None: no sign


class RobotReceiver:
    """Answers like a DingTalk / WeCom robot (`{"errcode": 0}`) and records every call."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.calls: list[Call] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 -- http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                receiver.calls.append(Call(parts.path, query, dict(self.headers), body, receiver.verify(query)))
                answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def verify(self, query: dict[str, list[str]]) -> bool | None:
        """DingTalk's check: the sign is base64(HMAC-SHA256(secret, timestamp + "\\n" + secret))."""
        if "sign" not in query:
            return None
        timestamp = query["timestamp"][0]
        expected = hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        return hmac.compare_digest(base64.b64decode(query["sign"][0]), expected)

    def about(self, text: str) -> list[Call]:
        return [c for c in self.calls if text in json.dumps(c.body, ensure_ascii=False)]


@contextmanager
def robot_receiver(secret: str) -> Iterator[RobotReceiver]:
    receiver = RobotReceiver(secret)
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
