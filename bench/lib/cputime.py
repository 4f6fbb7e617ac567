#!/usr/bin/env python3
"""CPU seconds (user + system) used so far by process trees or by a user's processes, from /proc/<pid>/stat.

    cputime.py tree PID...    every PID and all its descendants (a reaped child counts through cutime/cstime)
    cputime.py user NAME      every process owned by NAME (the broker: RabbitMQ's Erlang VM and its helpers)

A process that exits without being reaped by a member of the tree takes its time with it; the benchmark's servers
keep running for the whole measurement, so that does not arise for them.
"""
import os
import pwd
import sys

TICKS = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read().decode("utf-8", "replace")
    # The command name is parenthesised and may itself contain spaces or parentheses: split after the last ')'.
    rest = data[data.rindex(")") + 2:].split()
    # rest[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    return int(rest[1]), sum(int(x) for x in rest[11:15])


def all_processes():
    procs = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                procs[int(name)] = stat_fields(name)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                continue
    return procs


def tree_ticks(roots):
    procs = all_processes()
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    seen, stack = set(), [r for r in roots if r in procs]
    while stack:
        pid = stack.pop()
        if pid not in seen:
            seen.add(pid)
            stack.extend(children.get(pid, []))
    return sum(procs[p][1] for p in seen)


def user_ticks(user):
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return 0
    total = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    total += stat_fields(name)[1]
            except (FileNotFoundError, ProcessLookupError, ValueError):
                continue
    return total


def main(argv):
    if len(argv) >= 3 and argv[1] == "tree":
        ticks = tree_ticks([int(p) for p in argv[2:]])
    elif len(argv) == 3 and argv[1] == "user":
        ticks = user_ticks(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"{ticks / TICKS:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
