# Runs a command with its standard input a pipe that stays open (and empty)
# for SECONDS, or until the command exits, whichever is first; exits with the
# command's status. wfc's standard input in a CI job or a terminal is like
# that: reading it blocks.
#
#   hold_open.py SECONDS COMMAND [ARG]...
import subprocess
import sys
import time

seconds, command = float(sys.argv[1]), sys.argv[2:]
child = subprocess.Popen(command, stdin=subprocess.PIPE)
end = time.monotonic() + seconds
while child.poll() is None and time.monotonic() < end:
    time.sleep(0.05)
child.stdin.close()
sys.exit(child.wait())
