"""Citation markers in article bodies: finding, numbering and checking them. Pure.

A marker is `[@key]` or `[@key1; @key2]`. References are numbered in order of first
citation; a marker's numbers are shown as "1, 4" and runs as "1-3".
"""

import re
from dataclasses import dataclass

KEY = r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*"
MARKER = re.compile(rf"\[\s*(@{KEY}(?:\s*;\s*@{KEY})*)\s*\]")
KEY_IN_MARKER = re.compile(rf"@({KEY})")
FENCE = re.compile(r"^(```|~~~)")
CODE_SPAN = re.compile(r"`+[^`]*`+")


@dataclass(frozen=True)
class Marker:
    keys: tuple
    line: int


def find_markers(body):
    """Every marker outside fenced code, with its line number (1-based)."""
    markers, in_fence = [], False
    for number, line in enumerate((body or "").splitlines(), start=1):
        if FENCE.match(line.strip()):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        # Inline code is shown literally, so markers inside it are not citations.
        visible = CODE_SPAN.sub(lambda span: " " * len(span.group()), line)
        for match in MARKER.finditer(visible):
            keys = tuple(KEY_IN_MARKER.findall(match.group(1)))
            markers.append(Marker(keys=keys, line=number))
    return markers


def keys_in_order(body):
    """Distinct cited keys in order of first citation."""
    seen = {}
    for marker in find_markers(body):
        for key in marker.keys:
            seen.setdefault(key, None)
    return list(seen)


def collapse(numbers):
    """[1, 2, 3, 5] -> [(1, 3), (5, 5)]: sorted, distinct runs."""
    runs = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def label_runs(numbers):
    """[1, 2, 3, 5] -> [(1, 3), (5, 5)]; [1, 2] -> [(1, 1), (2, 2)]: a run shown as a
    range needs three numbers. The citation label and the rendered marker both use it."""
    runs = []
    for start, end in collapse(numbers):
        if end - start >= 2:
            runs.append((start, end))
        else:
            runs.extend((n, n) for n in range(start, end + 1))
    return runs


def label(numbers):
    """[1, 2, 3, 5] -> '1-3, 5'; [1, 2] -> '1, 2' (a run needs three)."""
    return ", ".join(str(start) if start == end else f"{start}-{end}" for start, end in label_runs(numbers))


@dataclass(frozen=True)
class Integrity:
    problems: tuple  # block submission and approval
    warnings: tuple  # shown, do not block


def check(body, library, listed_keys=()):
    """Problems and warnings for a body's citations.

    `library` maps each known key to an object with `.retracted` and `.title`.
    """
    problems, warnings = [], []
    for marker in find_markers(body):
        seen = set()
        for key in marker.keys:
            if key in seen:
                problems.append(f"line {marker.line}: @{key} is cited twice in the same marker")
            seen.add(key)
            if key not in library:
                problems.append(f"line {marker.line}: unknown reference key @{key}")
    for key in keys_in_order(body):
        reference = library.get(key)
        if reference is not None and reference.retracted:
            problems.append(f"@{key} (“{reference.title}”) is marked retracted and cannot be cited")
    cited = set(keys_in_order(body))
    for key in listed_keys:
        if key not in cited:
            warnings.append(f"@{key} is in the reference list but nothing cites it")
    return Integrity(problems=tuple(problems), warnings=tuple(warnings))
