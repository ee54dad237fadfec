#!/usr/bin/python3
"""Run several samba-tool commands in one Python process (lab.sh's DNS records, and the pulls of
`lab.sh replicate`).

Each samba-tool process spends most of its ~0.4 s importing Samba's Python modules; the lab adds
twenty DNS records one command at a time, so that start-up was most of the step. Here it is paid
once. Commands come on stdin, one per line, as JSON arrays of samba-tool's arguments (without
"samba-tool"). A command that fails is tried again (twice, half a second apart: right after
samba starts, its DNS RPC server may not answer yet); a command still failing stops the batch
with exit 1. Output goes where samba-tool's would (stdout, stderr), for the caller's log.

usage: samba-tool-batch.py < commands.jsonl
"""
import json
import signal
import sys
import time

from samba.netcmd.main import cmd_sambatool

TRIES = 3


def run(args):
    """samba-tool ARGS in this process: its exit code (0 on success)."""
    try:
        code = cmd_sambatool()._run("samba-tool", *args)
    except SystemExit as exit_:
        code = exit_.code
    except Exception as error:  # samba-tool's own top level shows it the same way
        cmd_sambatool().show_command_error(error)
        code = 1
    return 0 if code is None else code


def main():
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    for line in sys.stdin:
        if not line.strip():
            continue
        args = json.loads(line)
        for attempt in range(1, TRIES + 1):
            if run(args) == 0:
                break
            if attempt == TRIES:
                print(f"[samba-tool-batch] failed {TRIES} times: samba-tool {' '.join(args)}", file=sys.stderr)
                sys.exit(1)
            time.sleep(0.5)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
