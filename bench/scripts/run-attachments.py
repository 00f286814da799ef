#!/usr/bin/env python3
"""Mail carrying attachments: time and heap while caseyd sends large attachments to the team.

Starts server/target/caseyd.jar on its embedded PostgreSQL in a fresh directory (port 18081) with a small heap,
sending its mail to an SMTP sink started here (127.0.0.1:12525, Python's smtpd: it keeps nothing but a digest of each
attachment, so the mail server's memory is not the service's). Registers TEAM team members, then posts MAILS
customer mails one after another (raw, POST /mail/inbound; POSTERS=0: all at once), each with one random attachment of SIZE_MIB MiB. Each opens a
case, and every team member gets a new-case mail carrying the attachment. Prints the time until the sink had all
those mails, whether every attachment arrived intact, and the heap used (highest sample every 0.2 s, and after).
Environment: HEAP (256m), TEAM (4), MAILS (5), SIZE_MIB (9), JAR.
"""
import warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
import asyncore  # noqa: E402 (smtpd needs it; both are in 3.11, gone in 3.12)
import email
import email.policy
import hashlib
import json
import os
import shutil
import smtpd
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from email.message import EmailMessage

PORT = 18081
SMTP_PORT = 12525
BASE = f"http://127.0.0.1:{PORT}"
HEAP = os.environ.get("HEAP", "256m")
TEAM = int(os.environ.get("TEAM", "4"))
MAILS = int(os.environ.get("MAILS", "5"))
SIZE = int(float(os.environ.get("SIZE_MIB", "9")) * 1024 * 1024)
JAR = os.path.abspath(os.environ.get("JAR", os.path.join(os.path.dirname(__file__), "../../server/target/caseyd.jar")))


class Sink(smtpd.SMTPServer):
    """Keeps, per recipient, the digests of the attachments of the mails it was given."""

    def __init__(self):
        super().__init__(("127.0.0.1", SMTP_PORT), None, data_size_limit=0, decode_data=False)
        self.received = {}
        self.lock = threading.Lock()

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        message = email.message_from_bytes(data, policy=email.policy.default)
        digests = [hashlib.sha256(part.get_content()).hexdigest() for part in message.iter_attachments()]
        with self.lock:
            for recipient in rcpttos:
                self.received.setdefault(recipient.lower(), []).append(digests)


def http(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.read().decode()


def heap_used():
    text = http("GET", "/actuator/prometheus")
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("jvm_memory_used_bytes") and 'area="heap"' in line)


def inbound(i, content):
    mail = EmailMessage()
    mail["From"] = f"Customer {i} <customer{i}@example.bench>"
    mail["To"] = "support@casey.localhost"
    mail["Subject"] = f"Screenshot {i}"
    mail["Message-ID"] = f"<screenshot-{i}@example.bench>"
    mail.set_content("The screenshot is attached.")
    mail.add_attachment(content, maintype="application", subtype="octet-stream", filename=f"screenshot-{i}.bin")
    request = urllib.request.Request(BASE + "/api/casey/v1/mail/inbound", data=mail.as_bytes(), method="POST",
                                     headers={"Content-Type": "message/rfc822"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.loads(answer.read())["outcome"]


def main():
    sink = Sink()
    threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1}, daemon=True).start()
    workdir = tempfile.mkdtemp(prefix="casey-attachments-")
    config = os.path.join(workdir, "casey.json")
    with open(config, "w") as f:
        json.dump({"smtpServer": "127.0.0.1", "smtpPort": SMTP_PORT, "smtpEncryption": "none",
                   "mailAddress": "support@casey.localhost", "requestMaxBytes": 64 * 1024 * 1024}, f)
    log_path = os.path.join(workdir, "caseyd.log")
    caseyd = subprocess.Popen(["java", f"-Xmx{HEAP}", "-jar", JAR, "--config", config, f"--server.port={PORT}",
                               "--management.endpoints.web.exposure.include=health,prometheus"],
                              cwd=workdir, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(240):
            try:
                http("GET", "/actuator/health/readiness")
                break
            except OSError:
                time.sleep(0.5)
        team = [f"member{i}@team.bench" for i in range(TEAM)]
        for i, address in enumerate(team):
            http("POST", "/api/casey/v1/persons", {"name": f"Member {i}", "email": address, "team": True})
        files = [os.urandom(SIZE) for _ in range(MAILS)]
        digests = {hashlib.sha256(f).hexdigest() for f in files}
        samples = []
        done = threading.Event()

        def sample():
            while not done.is_set():
                try:
                    samples.append(heap_used())
                except OSError:
                    pass
                time.sleep(0.2)

        threading.Thread(target=sample, daemon=True).start()
        start = time.monotonic()
        # one after another: mail taken in is not what is measured here (POSTERS=0 posts all at once)
        if os.environ.get("POSTERS", "1") == "0":
            posters = [threading.Thread(target=inbound, args=(i, content)) for i, content in enumerate(files)]
            for poster in posters:
                poster.start()
            for poster in posters:
                poster.join()
        else:
            for i, content in enumerate(files):
                inbound(i, content)
        posted = time.monotonic()

        def delivered():
            with sink.lock:
                return sum(len(sink.received.get(address, [])) for address in team)

        while delivered() < TEAM * MAILS and time.monotonic() - start < 600:
            time.sleep(0.2)
        elapsed = time.monotonic() - start
        done.set()
        with sink.lock:
            intact = sum(1 for address in team for mail in sink.received.get(address, []) for d in mail
                         if d in digests)
            to_customers = sum(len(m) for a, mails in sink.received.items() if a not in team for m in mails)
        after = heap_used()
        print(f"heap {HEAP}, {TEAM} team members, {MAILS} mails of {SIZE / 1048576:.1f} MiB posted in "
              f"{posted - start:.1f} s; {delivered()} of {TEAM * MAILS} new-case mails carrying them at the SMTP sink "
              f"{elapsed:.1f} s after the first was posted; {intact} attachments intact, {to_customers} sent back to "
              f"customers; heap used at most {max(samples) / 1048576:.0f} MiB ({len(samples)} samples), "
              f"{after / 1048576:.0f} MiB after; OutOfMemoryError in the log: "
              f"{open(log_path).read().count('OutOfMemoryError')}")
    except Exception:
        print(open(log_path).read()[-3000:], file=sys.stderr)
        raise
    finally:
        caseyd.terminate()
        caseyd.wait(60)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
