"""Fixtures of the channel services' tests: a real IMAP server."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.imap import CONFIG, DOVECOT, free_port


@pytest.fixture
def imap_server():
    """A throw-away Dovecot: passwd-file auth, maildir, a free high port. Yields its URL."""
    # Not under pytest's tmp_path (mode 0700): Dovecot's auth process runs as `dovecot`.
    root = Path(tempfile.mkdtemp(prefix="complaints-dovecot-"))
    root.chmod(0o755)
    (root / "mail").mkdir()
    port = free_port()
    (root / "passwd").write_text("complaints:{PLAIN}mailbox-pass\n")
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port))
    shutil.chown(root / "mail", "nobody", "nogroup")
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("dovecot did not start")
        yield f"imap://complaints:mailbox-pass@127.0.0.1:{port}/INBOX"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
