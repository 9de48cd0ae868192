"""deploy/mailpit.sh: the local platform's mail server (Mailpit v1.33.1 from the Go module proxy)
takes mail over SMTP and shows it in its web UI and /api/v1."""
import json
import os
import pathlib
import smtplib
import subprocess
import urllib.request
import uuid
from email.message import EmailMessage

import pytest

pytestmark = pytest.mark.integration
ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_mailpit_up_is_idempotent_takes_mail_and_shows_it():
    # `up` starts Mailpit or finds it running (then starts nothing); never stopped here, since
    # a person may be looking at its UI
    for _ in range(2):
        done = subprocess.run(["bash", str(ROOT / "deploy" / "mailpit.sh"), "up"], check=False, capture_output=True,
                              text=True, timeout=900, env=os.environ.copy())
        assert done.returncode == 0, done.stderr
    status = subprocess.run(["bash", str(ROOT / "deploy" / "mailpit.sh"), "status"], check=True, capture_output=True,
                            text=True, timeout=30).stdout
    if "aiosmtpd" in status:
        pytest.skip("Mailpit could not be built here; the aiosmtpd sink runs instead (the script said so)")
    subject = f"Proef {uuid.uuid4().hex[:8]}: één bericht"
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "meldingen@wijkwijzer.nl", "zoë.de.vries@voorbeeld.nl", subject
    msg.set_content("Een proefbericht.")
    with smtplib.SMTP("127.0.0.1", 1025, timeout=10) as smtp:
        smtp.send_message(msg)
    with urllib.request.urlopen("http://127.0.0.1:8025/api/v1/search?query=" +
                                urllib.request.quote(f'subject:"{subject}"'), timeout=10) as answer:
        found = json.load(answer)
    assert [m["Subject"] for m in found["messages"]] == [subject]
    with urllib.request.urlopen("http://127.0.0.1:8025/", timeout=10) as page:
        assert b"<html" in page.read().lower()
