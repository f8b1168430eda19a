"""Real servers on 127.0.0.1 for `riskreg send`: an SMTP server (aiosmtpd), plain, STARTTLS or TLS with a
self-signed certificate made by openssl, with or without a login; and an HTTP server standing in for a chat
robot, recording what it was posted and answering as the platform would."""

import email
import email.policy
import json
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

USER, PASSWORD = "riskreg@town.gov.cn", "pw-Very-Secret-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class MailServer:
    """An aiosmtpd server in a thread; `messages` holds each mail received, parsed by the email package."""

    def __init__(self, folder: Path, *, security: str = "none", login: bool = False, echo: str | None = None):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, str]] = []
        self.port = free_port()
        self.cert = None
        kwargs = {}
        if security != "none":
            self.cert, key = self_signed(folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            kwargs = {"ssl_context": context} if security == "ssl" else {"tls_context": context,
                                                                          "require_starttls": True}
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                if echo is not None:  # a server that quotes what it was given back in its refusal
                    return f"554 5.7.1 refused: {echo}"
                server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                server.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
                return "250 OK"

        def authenticator(smtp, session, envelope, mechanism, data):
            user, password = data.login.decode(), data.password.decode()
            server.logins.append((user, password))
            ok = (user, password) == (USER, PASSWORD)
            return AuthResult(success=ok, handled=False, message=None if ok else f"535 5.7.8 bad password {password}")

        auth = {"authenticator": authenticator, "auth_require_tls": security != "none"} if login else {}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs, **auth)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class RobotServer:
    """An HTTP server recording each POST (path with query, JSON body) and answering `reply`."""

    def __init__(self, reply: dict | None = None):
        self.posts: list[tuple[str, dict]] = []
        self.reply = reply or {"errcode": 0, "errmsg": "ok"}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                assert self.headers["Content-Type"].startswith("application/json")
                server.posts.append((self.path, json.loads(body)))
                answer = json.dumps(server.reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
