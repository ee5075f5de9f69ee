"""A private Dovecot IMAP server for the tests and the benchmark, with its own config and Maildir.

Started from Debian's ``dovecot-imapd`` binaries with ``dovecot -F -c <conf>`` on a free loopback
port, plain IMAP without TLS (loopback only), one user with a static password. As root the mail
processes run as the ``dovecot`` user and the login processes as ``dovenull``; otherwise everything
runs as the current user.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.services import free_port, unavailable, wait_for_port

USER = "hq"
PASSWORD = "test-imap-password"

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={internal} gid={internal_group} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = 1
first_valid_gid = 1
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Processed {{
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""


@dataclass
class Dovecot:
    """A running private Dovecot: where it listens and how to put mail into it."""

    port: int
    root: Path
    config: Path

    @property
    def settings(self) -> dict[str, object]:
        """The IMAP_* configuration that points the poller at this server."""
        return {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": self.port, "IMAP_USER": USER,
                "IMAP_PASSWORD": PASSWORD, "IMAP_SSL": False, "IMAP_FOLDER": "INBOX"}

    def client(self):  # noqa: ANN201 - imapclient is imported lazily
        """A logged-in IMAPClient (the caller logs out)."""
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, messages: Iterable[bytes], folder: str = "INBOX", chunk: int = 200) -> int:
        """APPEND raw messages to ``folder`` (MULTIAPPEND in chunks); return how many."""
        count = 0
        client = self.client()
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            batch: list[bytes] = []
            for raw in messages:
                batch.append(raw)
                if len(batch) >= chunk:
                    client.multiappend(folder, batch)
                    count += len(batch)
                    batch = []
            if batch:
                client.multiappend(folder, batch)
                count += len(batch)
        finally:
            client.logout()
        return count

    def uids(self, folder: str = "INBOX") -> list[int]:
        """The UIDs in ``folder`` right now."""
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            return sorted(client.search("ALL"))
        finally:
            client.logout()

    def uidvalidity(self, folder: str = "INBOX") -> int:
        """The folder's current UIDVALIDITY."""
        client = self.client()
        try:
            return int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
        finally:
            client.logout()

    def change_uidvalidity(self, folder: str = "INBOX") -> int:
        """Give ``folder`` a new UIDVALIDITY (as a restored or migrated server does); return it."""
        new = self.uidvalidity(folder) + 1000
        self.doveadm("mailbox", "update", "-u", USER, "--uid-validity", str(new), folder)
        return new

    def doveadm(self, *args: str) -> str:
        """Run ``doveadm`` against this server's configuration; return its output."""
        result = subprocess.run(["doveadm", "-c", str(self.config), *args], capture_output=True,
                                text=True, check=True, timeout=60)
        return result.stdout

    def empty(self, folder: str = "INBOX") -> None:
        """Delete every message in ``folder``."""
        self.doveadm("expunge", "-u", USER, "mailbox", folder, "all")


def _users() -> tuple[str, str, str]:
    if os.geteuid() == 0:
        for name in ("dovecot", "dovenull"):
            try:
                pwd.getpwnam(name)
            except KeyError:
                unavailable(f"user {name!r} missing (apt-get install dovecot-imapd)")
        return "dovecot", "dovecot", "dovenull"
    me = getpass.getuser()
    group = __import__("grp").getgrgid(os.getgid()).gr_name
    return me, group, me


@contextlib.contextmanager
def private_dovecot() -> Iterator[Dovecot]:
    """Start a throw-away Dovecot on a free loopback port; yield it; stop it and remove its files."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None or shutil.which("doveadm") is None and not os.path.exists("/usr/bin/doveadm"):
        unavailable("dovecot not found (apt-get install dovecot-imapd)")
    internal, group, login = _users()
    root = Path(tempfile.mkdtemp(prefix="hqcbd-dovecot-"))
    port = free_port()
    for sub in ("run", "state", "home"):
        (root / sub).mkdir()
    config = root / "dovecot.conf"
    config.write_text(_CONFIG.format(root=root, port=port, internal=internal, internal_group=group,
                                     login=login, password=PASSWORD), encoding="utf-8")
    if os.geteuid() == 0:
        # The mail processes run as the internal user and must own the home and Maildir.
        os.chmod(root, 0o755)  # noqa: S103 - the unprivileged mail processes must reach their home
        shutil.chown(root / "home", internal, group)
    server = subprocess.Popen([binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        try:
            wait_for_port(port, 20)
        except TimeoutError:
            server.terminate()
            _, err = server.communicate(timeout=20)
            log_file = root / "dovecot.log"
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            unavailable(f"dovecot did not start: {err.decode(errors='replace')} {log[-2000:]}")
        yield Dovecot(port=port, root=root, config=config)
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
        if server.stderr is not None:
            server.stderr.close()
        shutil.rmtree(root, ignore_errors=True)
