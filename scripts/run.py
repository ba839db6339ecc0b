"""`make run`: migrate, load demo data into an empty database, then run the web server, a Celery
worker and Celery beat together until Ctrl-C, which stops all three.

This process holds a handle on the embedded PostgreSQL (when DATABASE_URL is unset) for as long as
it runs, so the server stays up while the children start and stop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "probation.settings")
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    import django

    django.setup()  # starts (or attaches to) the embedded PostgreSQL when DATABASE_URL is unset
    manage("migrate", "--no-input")
    manage("seed_demo", "--if-empty")
    manage("seed_demo_supervision", "--if-empty")
    manage("run_checks")  # flags for the demo straight away, not after the first nightly sweep
    celery = [sys.executable, "-m", "celery", "-A", "probation"]
    commands = {
        "web": [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
    }
    # Each child in its own session: Ctrl-C reaches this process only, which stops the children one
    # at a time. Every process attached to the embedded PostgreSQL leaves it on exit and the last
    # one stops it; leaving all at once races on its shared list and can leave the server running.
    children = {name: subprocess.Popen(cmd, cwd=ROOT, start_new_session=True) for name, cmd in commands.items()}
    time.sleep(2)
    manage("demo_signins", f"--url=http://{HOST}:{PORT}/")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    sys.stderr.write(f"run: {name} exited with code {child.returncode}; stopping the rest\n")
                    stopping = True
            time.sleep(0.5)
    finally:
        for child in children.values():
            if child.poll() is None:
                # SIGINT, as Ctrl-C would: Python then runs its exit handlers (SIGTERM would not),
                # so each child leaves the embedded PostgreSQL's list of processes using it.
                child.send_signal(signal.SIGINT)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    sys.stdout.write("run: stopped web, worker and beat\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
