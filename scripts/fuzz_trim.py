#!/usr/bin/env python3
"""Keeps at most MAX inputs of a fuzz corpus: greedily, the input that adds the most coverage
edges not yet covered (the smaller on a tie), until MAX or nothing more is added. Reads the
control file libFuzzer writes with -merge=1 -merge_control_file=F (one COV line per input).
Used by scripts/fuzz.sh for targets whose inputs are large (spreadsheets, plan files).
    fuzz_trim.py CONTROL_FILE OUT_DIR MAX
"""
import os
import shutil
import sys

control, out, most = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(control).read().split("\n")
n = int(lines[0])
files = lines[2 : 2 + n]
cov = {}
for line in lines[2 + n :]:
    p = line.split()
    if p and p[0] == "COV":
        cov[int(p[1])] = set(map(int, p[2:]))
every = set().union(*cov.values()) if cov else set()
have, chosen = set(), []
while cov and len(chosen) < most:
    i = max(cov, key=lambda j: (len(cov[j] - have), -os.path.getsize(files[j])))
    if not cov[i] - have:
        break
    have |= cov.pop(i)
    chosen.append(i)
os.makedirs(out, exist_ok=True)
for i in chosen:
    shutil.copy(files[i], out)
print(f"{len(chosen)} inputs cover {len(have)} of {len(every)} edges")
