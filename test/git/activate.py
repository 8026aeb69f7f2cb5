#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# activate.py SOCKET HOOK_RUN CONFIG - what systemd's socket activation does,
# for test/git/serve.sh: hold a listening socket, start `hook-run serve`
# with it as fd 3 (LISTEN_FDS=1, LISTEN_PID), and restart the daemon
# (SIGTERM, wait, start again) every 0.3 s until told to stop. Connections
# made while no daemon runs wait in the socket's backlog for the next one.
import os, signal, socket, sys, time

path, hook_run, config = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o660)
s.listen(128)
stopping = False

def stop(sig, frame):
    global stopping
    stopping = True

signal.signal(signal.SIGTERM, stop)

def start():
    pid = os.fork()
    if pid == 0:
        # A SIGTERM sent between the fork and the exec would be taken by the
        # handler above (inherited) and lost with the exec: the daemon would
        # never see it, and the last wait below would hang. Back to the
        # default first, then leave if the handler already ran here.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if stopping:
            os._exit(0)
        os.dup2(s.fileno(), 3)
        os.set_inheritable(3, True)
        env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
        os.execve(hook_run, [hook_run, "serve", "--config", config], env)
    return pid

restarts = 0
child = start()
while not stopping:
    time.sleep(0.3)
    if stopping:
        break
    os.kill(child, signal.SIGTERM)
    os.waitpid(child, 0)
    child = start()
    restarts += 1
os.kill(child, signal.SIGTERM)
os.waitpid(child, 0)
os.unlink(path)
print("restarts: %d" % restarts, flush=True)
