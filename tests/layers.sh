#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/layers.sh: the layer check (issue 12), from the built objects.
#
# nm gives each object's global definitions and undefined references;
# a reference one object makes to a symbol another defines is a call
# between the two files (kgdb-bridge and kgdb-tui are resolved apart:
# rsp/ and common/ link into both). tests/layers.txt gives every file a
# layer. A call is bad when it goes up a layer, or stays in its layer
# between two files on one cycle of calls (the same strongly connected
# component): every cycle has a call of one kind or the other, so no
# cycle passes. There is no list of exceptions: the debt this check
# started with (tests/layers.allow, 67 calls) was paid off and the list
# removed, so any bad call fails.
#
# Two results, as the other suites print them (tests/run.sh counts):
#   layers: every object has a layer   (a new file must be placed)
#   layers: no call goes up a layer or round a cycle (names caller,
#           callee, symbol and both layers; for a cycle, the way back)
# Exit status 1 when either fails.
#
# Usage: tests/layers.sh [--print-bad]   (BUILD=build by default)
#   --print-bad  print every bad call, one "caller.o -> callee.o symbol"
#                per line, and exit 0
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
TABLE=${LAYERS_TABLE:-tests/layers.txt}

[ "${1:-}" = --print-bad ] || echo "PLAN: 2"
objs=()
for d in rsp common bridge tui; do
	for o in "$BUILD/$d"/*.o; do
		# An object whose source is gone (a renamed file) is stale.
		src=${o#"$BUILD"/}
		[ -f "$o" ] && [ -f "${src%.o}.c" ] && objs+=("$o")
	done
done
if [ ${#objs[@]} -eq 0 ] || ! command -v nm >/dev/null ||
    ! command -v python3 >/dev/null; then
	for c in "every object has a layer" \
	    "no call goes up a layer or round a cycle"; do
		echo "FAIL: layers: $c: no objects in $BUILD (make) or no nm/python3"
	done
	exit 1
fi

# "OBJ SYMBOL TYPE" for every global symbol of every object.
for o in "${objs[@]}"; do
	nm -P -g "$o" | awk -v o="${o#"$BUILD"/}" '{ print o, $1, $2 }'
done | python3 -c '
import fnmatch
import sys

table_path, mode = sys.argv[1:3]

layers = []                     # (glob for the .c file, layer)
for n, line in enumerate(open(table_path), 1):
    line = line.split("#", 1)[0].split()
    if not line:
        continue
    if len(line) != 2 or not line[0].isdigit():
        sys.exit("%s:%d: want LAYER PATH" % (table_path, n))
    layers.append((line[1], int(line[0])))


def layer_of(obj):
    src = obj[:-2] + ".c"
    for glob, layer in layers:
        if fnmatch.fnmatchcase(src, glob):
            return layer
    return None


defs, weak, refs = {}, {}, {}
for line in sys.stdin:
    obj, sym, kind = line.split()
    if kind == "U":
        refs.setdefault(obj, set()).add(sym)
    elif kind in "wv":          # an undefined weak reference
        refs.setdefault(obj, set()).add(sym)
    elif kind in "WV":
        weak.setdefault(sym, []).append(obj)
    else:
        defs.setdefault(sym, []).append(obj)

objs = sorted(set(refs) | {o for v in defs.values() for o in v} |
              {o for v in weak.values() for o in v})


def program(obj):
    top = obj.split("/", 1)[0]
    return {"bridge": {"bridge"}, "tui": {"tui"}}.get(top, {"bridge", "tui"})


# Calls: (caller, callee) -> symbols. A strong definition wins over a
# weak one, as the linker does; only objects of one program meet.
calls = {}
for caller, syms in refs.items():
    for sym in syms:
        for cands in (defs.get(sym, []), weak.get(sym, [])):
            cands = [c for c in cands if c != caller and
                     program(c) & program(caller)]
            if cands:
                break
        for callee in cands:
            calls.setdefault((caller, callee), set()).add(sym)

graph = {}
for a, b in calls:
    graph.setdefault(a, set()).add(b)

# Strongly connected components (Tarjan, iterative).
index, low, comp, stack, onstack, counter = {}, {}, {}, [], set(), [0]


def tarjan(root):
    work = [(root, iter(sorted(graph.get(root, ()))))]
    index[root] = low[root] = counter[0]
    counter[0] += 1
    stack.append(root)
    onstack.add(root)
    while work:
        v, it = work[-1]
        for w in it:
            if w not in index:
                index[w] = low[w] = counter[0]
                counter[0] += 1
                stack.append(w)
                onstack.add(w)
                work.append((w, iter(sorted(graph.get(w, ())))))
                break
            if w in onstack:
                low[v] = min(low[v], index[w])
        else:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                members = []
                while True:
                    w = stack.pop()
                    onstack.discard(w)
                    members.append(w)
                    if w == v:
                        break
                members = frozenset(members)
                for w in members:
                    comp[w] = members


for v in objs:
    if v not in index:
        tarjan(v)


def way_back(src, dst):
    """The shortest chain of calls from src to dst inside their component."""
    prev, todo = {src: None}, [src]
    for v in todo:
        if v == dst:
            break
        for w in sorted(graph.get(v, ())):
            if w not in prev and comp.get(w) is comp.get(src):
                prev[w] = v
                todo.append(w)
    chain, v = [], dst
    while v is not None:
        chain.append(v)
        v = prev.get(v)
    return " -> ".join(reversed(chain))


unplaced = [o for o in objs if layer_of(o) is None]
bad = {}                        # "a -> b sym" -> why
for (a, b), syms in sorted(calls.items()):
    la, lb = layer_of(a), layer_of(b)
    if la is None or lb is None:
        continue
    why = None
    if lb > la:
        why = "goes up from L%d to L%d" % (la, lb)
    elif lb == la and len(comp[a]) > 1 and comp[a] is comp[b]:
        # Every cycle has a call that does not go down: the upward ones
        # are caught above, the ones within a layer here.
        why = "within L%d, closes a cycle: %s -> %s" % (
            la, a, way_back(b, a))
    if why is None:
        continue
    for s in sorted(syms):
        bad["%s -> %s %s" % (a, b, s)] = (a, la, b, lb, s, why)

if mode == "--print-bad":
    for k in sorted(bad):
        print(k)
    sys.exit(0)

failed = False
if unplaced:
    failed = True
    print("FAIL: layers: every object has a layer: no line of %s matches %s"
          % (table_path, ", ".join(o[:-2] + ".c" for o in unplaced)))
else:
    print("PASS: layers: every object has a layer (%d objects)" % len(objs))

if bad:
    failed = True
    print("FAIL: layers: no call goes up a layer or round a cycle: %d bad:"
          % len(bad))
    for k in sorted(bad):
        a, la, b, lb, s, why = bad[k]
        print("  %s (L%d) calls %s in %s (L%d): %s" % (a, la, s, b, lb, why))
    print("  Move the work to the lower layer, or pass a callback down;"
          " see docs/hacking.md, \"Layers\".")
else:
    print("PASS: layers: no call goes up a layer or round a cycle (%d calls"
          " between %d files)" % (len(calls), len(objs)))
sys.exit(1 if failed else 0)
' "$TABLE" "${1:-}"
