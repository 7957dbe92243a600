#!/usr/bin/env python3
"""Fail when an include points up the layers.

The layers are the source folders in the Makefile's SRC_DIRS, lowest first
(exported to us by make; read from the Makefile when run by hand). A file
may include headers from its own folder and from folders listed before it,
never after, so folder-level includes cannot form a circle. Private folders
(a driver's insides) are included only from themselves. Every quoted include
is written from the top of the tree and must name an existing file.
Tests, benchmarks and fuzz targets sit above every layer.
Usage: tools/layers.py   (from anywhere; exit 1 and one line a problem)
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRIVATE = {'modem/gammu'}  # only its own files include its headers
ABOVE_ALL = ('tests/', 'bench/')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layers():
    dirs = os.environ.get('SRC_DIRS')
    if not dirs:
        text = open(os.path.join(TOP, 'Makefile'), encoding='utf-8').read()
        m = re.search(r'^SRC_DIRS\s*:=\s*((?:.*\\\n)*.*)$', text, re.M)
        if not m:
            sys.exit('layers: SRC_DIRS not found in the Makefile')
        dirs = m.group(1).replace('\\\n', ' ')
    return dirs.split()


def sources(order):
    for d in order:
        for name in sorted(os.listdir(os.path.join(TOP, d))):
            if name.endswith(('.c', '.h')):
                yield f'{d}/{name}'
    for root in ABOVE_ALL:
        for base, _, names in sorted(os.walk(os.path.join(TOP, root))):
            for name in sorted(names):
                if name.endswith(('.c', '.h')):
                    yield os.path.relpath(os.path.join(base, name), TOP)


def main():
    order = layers()
    rank = {d: i for i, d in enumerate(order)}
    problems = []
    for path in sources(order):
        folder = os.path.dirname(path)
        mine = rank.get(folder)
        with open(os.path.join(TOP, path), encoding='utf-8') as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                where = f'{path}:{lineno}: "{inc}"'
                if not os.path.isfile(os.path.join(TOP, inc)) or '..' in inc.split('/'):
                    problems.append(f'{where}: write includes from the top of the tree')
                    continue
                theirs = os.path.dirname(inc)
                if theirs not in rank:
                    if not path.startswith(ABOVE_ALL):
                        problems.append(f'{where}: not a source folder (SRC_DIRS)')
                    continue
                if theirs in PRIVATE and folder != theirs and not path.startswith('tests/'):
                    problems.append(f'{where}: {theirs} is private to its folder')
                elif mine is not None and rank[theirs] > mine:
                    problems.append(f'{where}: {theirs} is above {folder}')
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f'layers: {len(problems)} include(s) against the layers, lowest first: '
              + ' < '.join(order), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
