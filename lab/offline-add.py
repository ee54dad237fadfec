#!/usr/bin/python3
"""Add an LDIF file's entries straight into dc1's sam.ldb while its samba is stopped (lab.sh offline-add).

Samba's own module stack does the work (SamDB opened with the lab's smb.conf and the system
session), so every entry gets what an LDAP add would give it: objectSid from the DC's RID pool,
objectGUID, sAMAccountType, replication metadata, the indexes. What it saves is the per-add
commit and the LDAPS round trip: one transaction per CHUNK entries, each in a child process. The bench's large directory
(88,000 users, scripts/bench-lib/large.mjs) is seeded this way.

usage: offline-add.py SMB_CONF SAM_LDB LDIF   (progress on stderr: entries added, rate)
"""
import os
import sys
import time

from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB

CHUNK = 5000  # entries per transaction: a bounded transaction, and progress a watcher can see


def chunks(ldif_file):
    """The file's LDIF records (separated by blank lines), CHUNK at a time, as text."""
    records = []
    with open(ldif_file, encoding="utf-8") as f:
        record = []
        for line in f:
            if line.strip():
                record.append(line)
                continue
            if record:
                records.append("".join(record))
                record = []
                if len(records) == CHUNK:
                    yield "\n".join(records)
                    records = []
        if record:
            records.append("".join(record))
    if records:
        yield "\n".join(records)


def add_chunk(smb_conf, sam_ldb, chunk):
    """One transaction of entries, in a process of its own (see main)."""
    lp = LoadParm()
    lp.load(smb_conf)
    # batch_mode (what provision and join use): no per-add sub-transaction, so ldb does not copy
    # every index list an add touches (objectClass=top holds every entry: O(N) an add). A failed add
    # then aborts the whole chunk, which stops the seed anyway. 300 adds to the seeded lab under
    # load: 10.6 s → 2.8 s. The index cache sized as provision sizes it for 100,000 users.
    db = SamDB(
        url=sam_ldb,
        lp=lp,
        session_info=system_session(),
        options=["batch_mode:1", "transaction_index_cache_size:202481"],
    )
    db.transaction_start()
    try:
        n = 0
        for _changetype, msg in db.parse_ldif(chunk):
            db.add(msg)
            n += 1
        db.transaction_commit()
    except BaseException:
        db.transaction_cancel()
        raise
    return n


def main(smb_conf, sam_ldb, ldif_file):
    t0 = time.monotonic()
    n = 0
    for chunk in chunks(ldif_file):
        # Each chunk in a fresh child: one process adding 88,000 entries grew to 400 MB and spent
        # half its time in malloc (perf: _int_malloc, malloc_consolidate), slowing from 33 to 27
        # adds/s within 6,000; opening sam.ldb again costs 0.2 s a chunk.
        pid = os.fork()
        if pid == 0:
            try:
                add_chunk(smb_conf, sam_ldb, chunk)
                os._exit(0)
            except BaseException as error:  # the parent reports the failure
                print(f"[offline-add] {error}", file=sys.stderr, flush=True)
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"[offline-add] stopped after {n} entries: a chunk failed")
        n += chunk.count("\ndn:") + (1 if chunk.startswith("dn:") else 0)
        elapsed = time.monotonic() - t0
        print(f"[offline-add] {n} entries, {n / elapsed:.0f}/s", file=sys.stderr, flush=True)
    elapsed = time.monotonic() - t0
    print(f"[offline-add] {n} entries added in {elapsed:.1f} s ({n / max(elapsed, 1e-9):.0f}/s)", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
