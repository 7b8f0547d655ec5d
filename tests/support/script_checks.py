"""Shared by the Python scripts ctest runs (standard library only): failing a check, a launch that is
bounded in time and leaves no process behind, and the check that a bad command line is refused.

A launch runs in a session of its own. Killing its process group is not enough: Open MPI 4.1 puts every
rank in a process group of its own (same session), and berkeley_tcp_bench starts a berkeley_master. So a
launch that overruns (or is interrupted) gets SIGTERM (mpirun then shuts its ranks down), and whatever is
still in the session a few seconds later gets SIGKILL.
"""
import os
import signal
import subprocess
import sys
import time


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def session_members(session_id):
    """The processes whose session is `session_id` (from /proc: field 6 of stat, after the command)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == session_id:
            members.append(int(entry))
    return members


def stop_session(process, grace_s=5.0):
    """SIGTERM to the leader, then SIGKILL to every process of its session still there after `grace_s`."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            pass
    else:
        deadline = time.monotonic() + grace_s
        while session_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    for pid in session_members(process.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def launch(command, timeout_s):
    """Runs `command` (echoed, its output copied to ours) within `timeout_s`; a launch that overruns fails
    the check. Nothing it started outlives it."""
    print("+", " ".join(command), flush=True)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        stop_session(process)
        fail(f"no exit within {timeout_s} s (a process left waiting?)")
    except BaseException:  # Ctrl-C, or the check itself interrupted: take the launch down with it
        stop_session(process)
        raise
    left = session_members(process.pid)
    if left:  # the leader is gone but not everything it started: stop it, and say so
        print(f"left behind by the launch and stopped: {left}", flush=True)
        stop_session(process, grace_s=0)
    sys.stdout.write(out)
    sys.stdout.write(err)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def expect_rejected(program, done, named, exit_code, quiet_stdout=True):
    """A refused command line: exit `exit_code`, exactly one line from `program` ("program: ...") that
    names `named`, and (with quiet_stdout) nothing on stdout: nothing ran."""
    args = " ".join(done.args[1:]) if isinstance(done.args, list) else done.args
    if done.returncode != exit_code:
        fail(f"{args}: exit code {done.returncode}, expected {exit_code}")
    ours = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith(program + ":")]
    if len(ours) != 1:
        fail(f"{args}: expected exactly one message from {program}, got {len(ours)}: {ours}")
    if named not in ours[0]:
        fail(f"{args}: the message does not name {named!r}: {ours[0]}")
    if quiet_stdout and done.stdout:
        fail(f"{args}: printed something after a bad command line: {done.stdout!r}")


# Another CLOCK_MONOTONIC on this machine, as a host booted later would have: a time namespace 1000 s behind.
TIME_NAMESPACE_BEHIND = ["unshare", "--time", "--monotonic", "-1000"]


def time_namespace_unavailable():
    """Why TIME_NAMESPACE_BEHIND cannot run here (not root, a kernel before 5.6), or None when it can."""
    done = subprocess.run([*TIME_NAMESPACE_BEHIND, "true"], capture_output=True, text=True)
    return None if done.returncode == 0 else f"time namespaces unavailable (unshare --time: {done.stderr.strip()})"
