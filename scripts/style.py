#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/style.py: the rules of style.md a script can check (issue 12).

    scripts/style.py --check FILE...   list offenders, exit 1 if any
    scripts/style.py --returns FILE... the same, for the return rule only
                                       (tests and tools: long test
                                       functions are fine there)
    scripts/style.py --fix FILE...     put returned values in parentheses

--check looks for three things:
  - a returned value without parentheses. The style is OpenBSD KNF's, as
    tmux writes it: `return (0);`, `return (NULL);`; a bare `return;`.
  - a function body over FN_MAX lines with no comment right above it
    (a one-line comment saying what the function decides);
  - a file over FILE_MAX lines.

The scan knows C's comments, strings and character constants, so a
`return` inside one of them is left alone, and it finds the end of the
returned expression by its `;` at parenthesis depth 0, so an expression
over several lines is wrapped whole. `return (a) + b;` is not wrapped
yet: its first parenthesis closes before the end, so it gets a pair.
"""
import re
import sys

IDENT = re.compile(r"[A-Za-z0-9_]")
FN_MAX = 40
FILE_MAX = 1000
FN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\(")


def code_mask(src):
    """A list of booleans: True where src[i] is code (not a comment, a
    string or a character constant)."""
    mask = [True] * len(src)
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j == -1 else j + 2
            for k in range(i, j):
                mask[k] = False
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j == -1 else j
            for k in range(i, j):
                mask[k] = False
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            for k in range(i, j):
                mask[k] = False
            i = j
        else:
            i += 1
    return mask


def wrapped(expr):
    """True when expr is one parenthesised whole: (…) with the first
    parenthesis closing at the very end."""
    if not expr.startswith("(") or not expr.endswith(")"):
        return False
    mask = code_mask(expr)
    depth = 0
    for i, c in enumerate(expr):
        if not mask[i]:
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i == len(expr) - 1
    return False


def offenders(src):
    """(start, end) of every returned expression that needs parentheses,
    end exclusive, with surrounding blanks trimmed."""
    mask = code_mask(src)
    out = []
    for m in re.finditer(r"\breturn\b", src):
        i = m.start()
        if not mask[i] or (i > 0 and IDENT.match(src[i - 1])):
            continue
        j, depth = m.end(), 0
        while j < len(src):
            if mask[j]:
                if src[j] in "([{":
                    depth += 1
                elif src[j] in ")]}":
                    depth -= 1
                elif src[j] == ";" and depth == 0:
                    break
            j += 1
        if j >= len(src):
            continue                    # not C we understand: leave it
        start = m.end()
        while start < j and src[start].isspace():
            start += 1
        end = j
        while end > start and src[end - 1].isspace():
            end -= 1
        if start == end or wrapped(src[start:end]):
            continue
        out.append((start, end))
    return out


def long_functions(src):
    """(line, name, body lines) of every function whose body is over
    FN_MAX lines and has no comment right above it. KNF puts the type on
    its own line, the name at column 0 and the braces of a function body
    alone at column 0, which is what this reads."""
    lines = src.split("\n")
    out = []
    i = 1
    while i < len(lines):
        prev = lines[i - 1]
        if not FN_NAME.match(lines[i]) or not prev.strip() or \
                prev.startswith("#") or prev.rstrip().endswith(";"):
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j] != "{" and \
                not lines[j].rstrip().endswith(";"):
            j += 1
        if j == len(lines) or lines[j] != "{":
            i += 1
            continue
        k = j
        while k < len(lines) and lines[k] != "}":
            k += 1
        above = lines[i - 2] if i >= 2 else ""
        if k - j - 1 > FN_MAX and not above.rstrip().endswith("*/"):
            out.append((i + 1, lines[i].split("(")[0], k - j - 1))
        i = k + 1
    return out


def main(argv):
    if len(argv) < 2 or argv[0] not in ("--check", "--returns", "--fix"):
        sys.stderr.write(__doc__)
        return 2
    bad = 0
    for path in argv[1:]:
        with open(path, encoding="utf-8") as f:
            src = f.read()
        offs = offenders(src)
        if argv[0] in ("--check", "--returns"):
            for line, name, n in (long_functions(src)
                                  if argv[0] == "--check" else []):
                print("%s:%d: %s: %d lines and no comment above saying "
                      "what it decides" % (path, line, name, n))
                bad += 1
            n = src.count("\n")
            if argv[0] == "--check" and n > FILE_MAX:
                print("%s: %d lines, over %d: split it by concern" %
                      (path, n, FILE_MAX))
                bad += 1
            for start, _ in offs:
                line = src.count("\n", 0, start) + 1
                text = src[:start].rsplit("\n", 1)[-1] + \
                    src[start:].split("\n", 1)[0]
                print("%s:%d: return without parentheses: %s" %
                      (path, line, text.strip()))
            bad += len(offs)
            continue
        if not offs:
            continue
        for start, end in reversed(offs):
            src = src[:start] + "(" + src[start:end] + ")" + src[end:]
        with open(path, "w", encoding="utf-8") as f:
            f.write(src)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
