# Runs a command with its stdout and stderr on a pseudo-terminal, as a user's
# terminal would be, and copies what it writes to our stdout ("\r\n" -> "\n").
# Exits with the command's exit code. Used by the --color=auto tests.
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
output = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    output += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(output.replace(b"\r\n", b"\n"))
sys.exit(os.waitstatus_to_exitcode(status))
