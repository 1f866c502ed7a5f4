#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# check-json.py JSON STATUS [PATH=VERDICT[:ERROR]]... - check a
# `heki-verify --json` document against schema 1
# (Documentation/heki-verify.rst): every field present with its type, the
# summary equal to the counts of the results, "status" equal to the exit
# status STATUS, and each named PATH's verdict (and error name). Prints one
# line per problem and exits 1 if there is any.
import json
import sys

doc = json.load(open(sys.argv[1]))
status = int(sys.argv[2])
want = dict(a.split('=', 1) for a in sys.argv[3:])
bad = []


def need(cond, what):
    if not cond:
        bad.append(what)


need(doc.get('schema') == 1, 'schema is 1')
need(doc.get('command') in ('modules', 'kexec'), 'command')
need(doc.get('check') in ('default', 'full'), 'check')
certs = doc.get('certs', {})
need(isinstance(certs.get('file'), str), 'certs.file is a string')
need(isinstance(certs.get('count'), int) and certs['count'] > 0,
     'certs.count is a positive integer')
results = doc.get('results')
need(isinstance(results, list), 'results is a list')
counts = {'accepted': 0, 'refused': 0, 'error': 0}
codes = {}
for r in results or []:
    need(set(r) == {'path', 'verdict', 'step', 'error', 'errno', 'reason'},
         f'{r.get("path")}: exactly the six result fields')
    v = r.get('verdict')
    need(v in counts, f'{r.get("path")}: verdict {v}')
    counts[v] = counts.get(v, 0) + 1
    if v == 'accepted':
        need(r['error'] is None and r['errno'] is None and
             r['reason'] is None and r['step'] == '',
             f'{r["path"]}: accepted has no error, errno, reason, step')
    elif v == 'refused':
        need(isinstance(r['error'], str) and r['error'].isupper() and
             isinstance(r['errno'], int) and r['errno'] > 0 and
             isinstance(r['reason'], str) and r['reason'] and r['step'],
             f'{r["path"]}: refused has error, errno, reason, step')
        codes[r['error']] = codes.get(r['error'], 0) + 1
    elif v == 'error':
        need(r['error'] is None and isinstance(r['reason'], str) and
             r['reason'], f'{r["path"]}: error has a reason')
    w = want.pop(r['path'], None)
    if w is not None:
        verdict, _, error = w.partition(':')
        need(v == verdict, f'{r["path"]}: verdict {v}, expected {verdict}')
        if error:
            need(r['error'] == error,
                 f'{r["path"]}: error {r["error"]}, expected {error}')
need(not want, f'paths not in the results: {sorted(want)}')
s = doc.get('summary', {})
need(s.get('total') == len(results or []), 'summary.total = results')
for k in counts:
    need(s.get(k) == counts[k], f'summary.{k} = {counts[k]}')
need(s.get('refusals') == codes, 'summary.refusals = refused results')
need(doc.get('status') == status, f'status {doc.get("status")} = exit {status}')
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
