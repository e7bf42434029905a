"""Runs a program on a pseudo-terminal and follows a script, as a person at a terminal would.

Usage: drive.py PROGRAM ARGS...; the script is JSON in PTY_SCRIPT: a list of steps
["expect", TEXT] (wait up to 30 s for TEXT in the output so far, after the previous match),
["send", TEXT] (type it; "\u0003" is Ctrl-C). Prints the whole output, then a last line
"EXIT <code>" (or "SIGNAL <n>"). Exits 3 when an expected text never came.
"""
import json
import os
import pty
import select
import sys
import time

pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])

out = b""
seen = 0


def read(timeout):
    global out
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    out += data
    return True


for step, arg in json.loads(os.environ["PTY_SCRIPT"]):
    if step == "expect":
        want = arg.encode()
        deadline = time.time() + 30
        while out.find(want, seen) < 0:
            left = deadline - time.time()
            if left <= 0 or not read(left):
                sys.stdout.write(out.decode(errors="replace"))
                sys.stdout.write("\nNEVER SAW %r\n" % arg)
                os.kill(pid, 9)
                sys.exit(3)
        seen = out.find(want, seen) + len(want)
    elif step == "send":
        os.write(fd, arg.encode())

deadline = time.time() + 30
while time.time() < deadline and read(deadline - time.time()):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
if os.WIFEXITED(status):
    sys.stdout.write("\nEXIT %d\n" % os.WEXITSTATUS(status))
else:
    sys.stdout.write("\nSIGNAL %d\n" % os.WTERMSIG(status))
