#!/usr/bin/env python3
"""launch_clients.py N: start N berkeley_client processes at once and wait for all of them.

Each line a client prints is prefixed with its id ("[client 3] ..."), so N interleaved outputs stay readable;
with --tmux every client gets a pane of its own instead (the classic assignment opened one window per client).
Exit status: 0 when every client exited 0 (the master ended the session), 1 when any failed or had to be
stopped after --max-wait, 2 for a bad command line. Standard library only.

  berkeley_master 3 &
  scripts/launch_clients.py 3                      # clients 1..3 on 127.0.0.1:17117
  scripts/launch_clients.py 3 --port 40123 --seed 7 -- --drift-ppm 20
"""

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DEFAULT_PORT = 17117
PROGRAM = "launch_clients"


def say(message, stream=sys.stdout):
    print(f"{PROGRAM}: {message}", file=stream, flush=True)


def find_client(explicit):
    """The berkeley_client to run: --client, $BERKELEY_CLIENT, the newest build*/ of this repository, PATH."""
    if explicit:
        return explicit
    if os.environ.get("BERKELEY_CLIENT"):
        return os.environ["BERKELEY_CLIENT"]
    repo = Path(__file__).resolve().parent.parent
    built = [p for p in repo.glob("build*/berkeley_client") if os.access(p, os.X_OK)]
    if built:
        return str(max(built, key=lambda p: p.stat().st_mtime))
    return shutil.which("berkeley_client")


def positive_int(text, upper):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= upper:
        raise argparse.ArgumentTypeError(f"'{text}' is out of range 1..{upper}")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="launch_clients.py",
        description="Start N berkeley_client processes (ids first-id .. first-id+N-1), prefix their output "
        "with the client id, wait for all; exit 1 if any failed.",
        epilog="Arguments after -- go to every client unchanged (e.g. -- --drift-ppm 20 --clock system).",
    )
    parser.add_argument("clients", metavar="N", type=lambda t: positive_int(t, 10000), help="clients to start")
    parser.add_argument("--host", default="127.0.0.1", help="the master's address (default 127.0.0.1)")
    parser.add_argument("--port", type=lambda t: positive_int(t, 65535), default=DEFAULT_PORT,
                        help=f"the master's port (default {DEFAULT_PORT})")
    parser.add_argument("--first-id", type=lambda t: positive_int(t, 1000000), default=1, help="id of the first client")
    parser.add_argument("--seed", default=None, help="seed of the simulated clocks, passed to every client")
    parser.add_argument("--timeout", default=None, help="the clients' --timeout (e.g. 5s)")
    parser.add_argument("--key-file", default=None,
                        help="the group's shared key, passed to every client: join keyed (BERKELEY/2, "
                             "docs/security.md); each client checks the file itself")
    parser.add_argument("--client", default=None, help="berkeley_client to run (default: $BERKELEY_CLIENT, "
                        "the newest build*/berkeley_client of this repository, then PATH)")
    parser.add_argument("--tmux", action="store_true", help="one tmux pane per client (when tmux is installed)")
    parser.add_argument("--keep", action="store_true", help="with --tmux: keep the detached session after the end")
    parser.add_argument("--max-wait", type=float, default=600.0,
                        help="stop clients still running after this many seconds (default 600)")
    argv = list(argv)
    extra = []
    if "--" in argv:
        split = argv.index("--")
        argv, extra = argv[:split], argv[split + 1:]
    args = parser.parse_args(argv)
    args.extra = extra
    if args.max_wait <= 0:
        parser.error(f"--max-wait: '{args.max_wait}' must be greater than zero")
    return args


def client_command(args, client_path, client_id):
    command = [client_path, "--id", str(client_id), "--host", args.host, "--port", str(args.port)]
    if args.seed is not None:
        command += ["--seed", args.seed]
    if args.timeout is not None:
        command += ["--timeout", args.timeout]
    if args.key_file is not None:
        command += ["--key-file", args.key_file]
    return command + args.extra


class Printer:
    """Whole lines, one writer at a time, each with its client's prefix."""

    def __init__(self):
        self.lock = threading.Lock()

    def pump(self, client_id, pipe, stream):
        for raw in iter(pipe.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.lock:
                print(f"[client {client_id}] {line}", file=stream, flush=True)
        pipe.close()


def stop(processes):
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 2.0
    for process in processes.values():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_plain(args, ids, client_path):
    printer = Printer()
    processes = {}
    pumps = []
    try:
        for client_id in ids:
            command = client_command(args, client_path, client_id)
            processes[client_id] = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                                    stderr=subprocess.PIPE)
        for client_id, process in processes.items():
            for pipe, stream in ((process.stdout, sys.stdout), (process.stderr, sys.stderr)):
                pump = threading.Thread(target=printer.pump, args=(client_id, pipe, stream), daemon=True)
                pump.start()
                pumps.append(pump)
        deadline = time.monotonic() + args.max_wait
        for client_id, process in processes.items():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"clients still running after {args.max_wait:g} s: stopping them", sys.stderr)
                stop(processes)
                break
    except KeyboardInterrupt:
        say("interrupted: stopping the clients", sys.stderr)
        stop(processes)
    except OSError as error:
        say(f"cannot start {client_path}: {error}", sys.stderr)
        stop(processes)
        return {client_id: 127 for client_id in ids}
    for pump in pumps:
        pump.join(timeout=2.0)
    return {client_id: process.returncode for client_id, process in processes.items()}


def tmux(*arguments):
    return subprocess.run(["tmux", *arguments], check=True, capture_output=True, text=True, timeout=10).stdout.strip()


def run_tmux(args, ids, client_path):
    workdir = Path(tempfile.mkdtemp(prefix="berkeley-clients-"))
    inside = bool(os.environ.get("TMUX"))
    session = f"berkeley-clients-{os.getpid()}"

    def pane_command(client_id):
        command = shlex.join(client_command(args, client_path, client_id))
        status = workdir / f"{client_id}.status"
        log = workdir / f"{client_id}.log"
        # the status file appears only once the client is done: write it, then rename it into place
        script = (f"( {command}; echo $? > {shlex.quote(str(status))}.tmp; "
                  f"mv {shlex.quote(str(status))}.tmp {shlex.quote(str(status))} ) 2>&1 | tee {shlex.quote(str(log))}")
        return ["sh", "-c", script]

    target = None  # the tmux session or window, once made
    codes = {}
    try:
        try:
            if inside:
                target = tmux("new-window", "-P", "-F", "#{window_id}", "-n", "berkeley-clients", *pane_command(ids[0]))
            else:
                tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "60", *pane_command(ids[0]))
                target = session
            tmux("set-window-option", "-t", target, "remain-on-exit", "on")
            for client_id in ids[1:]:
                tmux("split-window", "-t", target, *pane_command(client_id))
                tmux("select-layout", "-t", target, "tiled")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            say(f"tmux failed: {getattr(error, 'stderr', '') or error}", sys.stderr)
            return {client_id: 127 for client_id in ids}
        say(f"{len(ids)} clients in tmux " + ("window " + target if inside else f"session {session} "
                                               f"(attach with: tmux attach -t {session})"))

        deadline = time.monotonic() + args.max_wait
        try:
            while len(codes) < len(ids) and time.monotonic() < deadline:
                for client_id in ids:
                    status = workdir / f"{client_id}.status"
                    if client_id not in codes and status.exists():
                        codes[client_id] = int(status.read_text().strip() or "127")
                time.sleep(0.1)
        except KeyboardInterrupt:
            say("interrupted", sys.stderr)
        for client_id in ids:
            if client_id not in codes:
                codes[client_id] = None
        for client_id in ids:  # the panes' output, prefixed, for the record
            log = workdir / f"{client_id}.log"
            if log.exists():
                for line in log.read_text(errors="replace").splitlines():
                    print(f"[client {client_id}] {line}", flush=True)
        return codes
    finally:
        # whichever way this ends (tmux failing half-way, a signal during setup): no live clients left behind
        unfinished = any(codes.get(client_id) is None for client_id in ids)
        if target is not None and not args.keep:
            if not inside:
                subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, timeout=10)
            elif unfinished:  # the finished window stays for reading; live clients do not
                subprocess.run(["tmux", "kill-window", "-t", target], capture_output=True, timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv):
    args = parse_args(argv)
    client_path = find_client(args.client)
    if not client_path or not os.access(client_path, os.X_OK):
        say(f"no berkeley_client found ({client_path or 'not built?'}); build it or pass --client PATH", sys.stderr)
        return 2
    ids = list(range(args.first_id, args.first_id + args.clients))
    say(f"starting {len(ids)} clients (ids {ids[0]}..{ids[-1]}) for the master at {args.host}:{args.port}: {client_path}")
    if args.tmux and not shutil.which("tmux"):
        say("--tmux: tmux is not installed; prefixing lines instead", sys.stderr)
        args.tmux = False
    codes = run_tmux(args, ids, client_path) if args.tmux else run_plain(args, ids, client_path)

    failed = {client_id: code for client_id, code in codes.items() if code != 0}
    if not failed:
        say(f"all {len(ids)} clients exited 0")
        return 0
    described = ", ".join(f"client {client_id} " + ("did not finish" if code is None else
                                                    f"killed by signal {-code}" if code < 0 else f"exited {code}")
                          for client_id, code in sorted(failed.items()))
    say(f"{len(failed)} of {len(ids)} clients failed: {described}", sys.stderr)
    return 1


def interrupted(signum, frame):
    raise KeyboardInterrupt  # SIGTERM ends the launcher as Ctrl-C does: its clients are stopped first


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, interrupted)
    sys.exit(main(sys.argv[1:]))
