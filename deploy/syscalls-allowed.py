#!/usr/bin/env python3
"""Checks that every system call in an strace log is allowed by a unit's
SystemCallFilter= lines (systemd.exec(5): a list allows, a ~list denies, later
lines add to earlier ones), the groups expanded by systemd-analyze.

Usage: syscalls-allowed.py UNIT TRACE [UNIT TRACE ...]   (strace -f -o TRACE)
Exit status 1, naming the calls, if any is outside the filter."""
import re
import subprocess
import sys


def groups():
    out = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True, text=True, check=True).stdout
    members, current = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            current = members.setdefault(line.strip(), [])
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.append(line.strip())
    return members


def expand(names, members):
    calls = set()
    for name in names:
        calls |= expand(members.get(name, []), members) if name.startswith("@") else {name}
    return calls


def allowed(unit, members):
    allow, deny = set(), set()
    for line in open(unit):
        m = re.match(r"\s*SystemCallFilter=(~?)(.*)", line)
        if m:
            (deny if m.group(1) else allow).update(expand(m.group(2).split(), members))
    return allow - deny


def traced(trace):
    calls = set()
    for line in open(trace):
        m = re.match(r"\d+\s+([a-z0-9_]+)\(", line)
        if m:
            calls.add(m.group(1))
    return calls


def main(args):
    members, bad = groups(), False
    for unit, trace in zip(args[0::2], args[1::2]):
        outside = sorted(traced(trace) - allowed(unit, members))
        print(f"{trace}: {len(traced(trace))} distinct system calls, outside {unit}'s filter: {outside or 'none'}")
        bad |= bool(outside)
    return 1 if bad or len(args) < 2 or len(args) % 2 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
