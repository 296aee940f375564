"""The deployment's processes for a test: dashboard processes started with the systemd unit's own
command line, and nginx with the site file of ``deploy/nginx`` (its host-specific values replaced by
the test's ports and files), as an unprivileged nginx in a folder of the test's."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.deploy.conftest import ROOT
from tests.support import unavailable

UNIT = ROOT / "deploy" / "systemd" / "thaibinh-dashboard@.service"
SITE = ROOT / "deploy" / "nginx" / "thaibinh-dashboard.conf"
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
INSTALLED_APP = "/srv/thaibinh/app"


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unit_setting(name: str) -> list[str]:
    """The values of ``name=`` in the dashboard's unit file, in order."""
    values = []
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name}="):
            values.append(line[len(name) + 1 :])
    return values


def tool(name: str, debian_package: str) -> str:
    """The path of a program the test needs (unavailable, with the package to install, if absent)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        unavailable(f"{name} is not installed (apt-get install {debian_package})")
    return found  # type: ignore[return-value]


class AppProcess:
    """One ``thaibinh-dashboard@PORT`` process: the unit's ExecStart, run from this checkout."""

    def __init__(self, port: int, env: Mapping[str, str], folder: Path) -> None:
        self.port = port
        self.log_path = folder / f"dashboard-{port}.log"
        (exec_start,) = unit_setting("ExecStart")
        command = [
            sys.executable if word == f"{INSTALLED_APP}/.venv/bin/python" else word.replace("%i", str(port))
            for word in shlex.split(exec_start)
        ]
        assert command[1:4] == ["-m", "streamlit", "run"] and str(port) in command, command
        environ = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        # The unit's HOME and TMPDIR (its state folder), in the test's folder.
        for assignment in " ".join(unit_setting("Environment")).split():
            key, _, value = assignment.partition("=")
            if key in ("HOME", "TMPDIR"):
                environ[key] = str(folder / Path(value).name)
                Path(environ[key]).mkdir(exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environ,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_healthy(self, timeout: float = 90) -> None:
        """Until the process answers ``ok`` on /_stcore/health (fails with its log otherwise)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"dashboard on {self.port} exited {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"dashboard on {self.port} not healthy after {timeout:.0f} s:\n{self.log()}")
            time.sleep(0.25)

    def kill(self) -> None:
        """The process dies at once (SIGKILL, as in a crash), with whatever it ran."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop it as systemd would (SIGTERM, then SIGKILL after 10 s)."""
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        """What the process printed."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (one day, made with openssl) and its key."""
    openssl = tool("openssl", "openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    made = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return cert, key


def render_site(folder: Path, *, http_port: int, https_port: int, upstreams: list[int], cert: Path, key: Path) -> Path:
    """``deploy/nginx/thaibinh-dashboard.conf`` with this test's ports, files and folders: every value
    replaced must be found, so the test fails if the template changes under it."""
    site = SITE.read_text(encoding="utf-8")
    replacements = [
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("server 127.0.0.1:8501 ", f"server 127.0.0.1:{upstreams[0]} "),
        ("server 127.0.0.1:8502 ", f"server 127.0.0.1:{upstreams[1]} "),
        ("/etc/ssl/thaibinh/fullchain.pem", str(cert)),
        ("/etc/ssl/thaibinh/privkey.pem", str(key)),
        ("/var/cache/nginx/thaibinh", str(folder / "cache")),
        ("/var/log/nginx/thaibinh-access.log", str(folder / "access.log")),
        ("/var/log/nginx/thaibinh-error.log", str(folder / "error.log")),
    ]
    for old, new in replacements:
        assert old in site, f"{SITE.name} no longer has {old!r}"
        site = site.replace(old, new)
    path = folder / SITE.name
    path.write_text(site, encoding="utf-8")
    return path


def nginx_conf(folder: Path, site: Path) -> Path:
    """A main configuration for an nginx of the test's own (pid, logs and temporary files in ``folder``)
    that includes ``site`` in its http context, as Debian's nginx.conf includes sites-enabled/."""
    # As root, workers would otherwise run as nobody, who cannot enter the test's private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in kinds)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} notice;
events {{ worker_connections 512; }}
http {{
    {mime}
    default_type application/octet-stream;
{temp}
    include {site};
}}
""",
        encoding="utf-8",
    )
    return conf


class Nginx:
    """nginx in the foreground, from ``conf``; stopped with :meth:`stop`."""

    def __init__(self, conf: Path, folder: Path, port: int) -> None:
        self.binary = tool("nginx", "nginx")
        self.conf, self.folder, self.port = conf, folder, port
        checked = subprocess.run(self._args("-t"), capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        self.proc = subprocess.Popen(
            self._args("-g", "daemon off;"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "nginx.stderr", "wb"),  # noqa: SIM115 - closed with the process
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"nginx did not start:\n{self.error_log()}") from None
                time.sleep(0.1)

    def _args(self, *extra: str) -> list[str]:
        return [self.binary, "-p", str(self.folder), "-c", str(self.conf), "-e", str(self.folder / "error.log"), *extra]

    def stop(self) -> None:
        """Stop nginx and its workers."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def error_log(self) -> str:
        """nginx's error log so far."""
        path = self.folder / "error.log"
        return path.read_text(encoding="utf-8", errors="replace")[-4000:] if path.exists() else ""

    def access_log(self) -> list[Access]:
        """Every request nginx answered so far."""
        path = self.folder / "access.log"
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
        return [access for access in map(Access.parse, lines) if access is not None]


_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ \S+ upstream=(?P<upstream>.*?) '
    r"upstream_status=(?P<upstream_status>.*?) cache=(?P<cache>\S*) route=(?P<route>\S+)$"
)


@dataclass(frozen=True)
class Access:
    """One line of the access log (the site's ``thaibinh`` format)."""

    method: str
    path: str
    status: int
    upstreams: tuple[str, ...]  # every process tried, in order: the last one answered
    cache: str
    route: str

    @classmethod
    def parse(cls, line: str) -> Access | None:
        """The line's fields, or None for a line of another format."""
        match = _LINE.search(line)
        if match is None:
            return None
        tried = tuple(u.strip() for u in re.split(r"[,:]\s", match["upstream"]) if u.strip() not in ("", "-"))
        return cls(match["method"], match["path"], int(match["status"]), tried, match["cache"], match["route"])

    @property
    def served_by(self) -> int | None:
        """The port of the process that answered."""
        return int(self.upstreams[-1].rsplit(":", 1)[1]) if self.upstreams else None


def insecure_tls() -> ssl.SSLContext:
    """A client TLS context that accepts the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
