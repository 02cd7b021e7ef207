"""Benchmark: importing a RIS file of 5,000 records, preview and confirm together.

Run with `make bench-import` (or `.venv/bin/python bench/import_references.py`). In a
throwaway PostgreSQL database whose library already holds 5,000 references, a file of
BENCH_RECORDS generated records (authors, journal, year, DOI, PMID; one in ten a
duplicate of a stored reference) is previewed and then imported, as the job does it
(references.importing.import_references, in batches of 1,000). Beside it, measured in the
same run: parsing the file alone and a plain bulk_create of the same rows, the floor the
import stands on; and the citation entries the background task makes afterwards. The
queries per 1,000-record batch come from importing 1,000 and BENCH_RECORDS records.
"""

import os
import time
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from harness import person, run_in_throwaway_database

RECORDS = int(os.environ.get("BENCH_RECORDS", 5000))
STORED = 5000
GOAL = 1000  # records per second, preview and confirm together


class RolledBack(Exception):
    pass


def ris(count, offset=0):
    """`count` RIS records; every tenth has the DOI of a stored reference."""
    lines = []
    for n in range(offset, offset + count):
        doi = f"10.5555/stored.{n}" if n % 10 == 0 else f"10.5555/bench.{n}"
        lines.append(
            f"TY  - JOUR\nID  - bench{n}\nTI  - Outcome of treatment number {n} in adults\n"
            f"AU  - Family{n % 97}, Given A.\nAU  - Other{n % 89}, B.\nAU  - Third, C.\n"
            f"JO  - J Bench Med\nPY  - {1990 + n % 35}\nVL  - {n % 60}\nIS  - {n % 12}\nSP  - {n % 900}\n"
            f"EP  - {n % 900 + 9}\nDO  - {doi}\nAN  - {30_000_000 + n}\nER  - \n\n"
        )
    return "".join(lines).encode()


def cpu_seconds():
    """CPU time of this process and of its PostgreSQL backend (same machine): what the
    work costs whatever else the machine's cores are busy with."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [backend] = cursor.fetchone()
    fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    return time.process_time() + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(run):
    """(wall seconds, CPU seconds, queries, result)."""
    cpu, started = cpu_seconds(), time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = run()
    return time.perf_counter() - started, cpu_seconds() - cpu, len(queries), result


def stored_library(editor):
    from django.utils import timezone

    from references.models import Reference

    now = timezone.now()
    Reference.objects.bulk_create(
        Reference(
            key=f"stored{n}",
            title=f"Stored study {n}",
            title_key=f"stored study {n}",
            doi=f"10.5555/stored.{n}",
            year=2000,
            created_by=editor,
            created_at=now,
            updated_at=now,
        )
        for n in range(STORED)
    )


def preview_and_confirm(editor, data):
    """(seconds, queries) of the preview and of the confirmation, rolled back after."""
    from references.importing import import_references

    figures = {}
    try:
        with transaction.atomic():
            figures["preview"] = timed(lambda: import_references(actor=editor, data=data, filename="bench.ris"))
            figures["confirm"] = timed(
                lambda: import_references(actor=editor, data=data, filename="bench.ris", commit=True)
            )
            raise RolledBack
    except RolledBack:
        pass
    return figures


def plain_bulk_create(editor, data):
    """Parsing, and a bare bulk_create of the same rows: no duplicate check, no keys, no
    trail. (wall, CPU) of each."""
    from django.utils import timezone

    from references import parsing
    from references.models import Reference

    parse_wall, parse_cpu, _, (_, records) = timed(lambda: parsing.parse(data, filename="bench.ris"))
    now = timezone.now()
    rows = [
        Reference(key=f"plain{n}", created_by=editor, created_at=now, updated_at=now, **_columns(record.fields))
        for n, record in enumerate(records)
        if not record.fields["doi"].startswith("10.5555/stored.")
    ]
    try:
        with transaction.atomic():
            insert_wall, insert_cpu, _, _ = timed(lambda: Reference.objects.bulk_create(rows, batch_size=1000))
            raise RolledBack
    except RolledBack:
        pass
    return (parse_wall, parse_cpu), (insert_wall, insert_cpu), len(rows)


def _columns(fields):
    names = ("kind", "title", "title_key", "authors", "source", "year", "volume", "issue", "pages", "doi", "pmid")
    return {name: fields[name] for name in names if name in fields}


def formatting_rate(editor, data):
    """Records a second the background task formats (AMA and Vancouver), on 200 of them."""
    from references import parsing
    from references.formatting import entries
    from references.services import new_reference

    _, records = parsing.parse(data, filename="bench.ris")
    sample = [new_reference(editor, record.fields, "k", None) for record in records[:200]]
    started = time.perf_counter()
    for reference in sample:
        entries(reference, stored=False)
    return len(sample) / (time.perf_counter() - started)


def line(label, wall, cpu, extra=""):
    print(f"{label:<28} {wall:6.2f} s wall {cpu:6.2f} s CPU  {extra}")


def run():
    from accounts.roles import EDITOR

    editor = person("bench-editor", EDITOR)
    stored_library(editor)
    data = ris(RECORDS)
    print(f"{RECORDS} RIS records ({len(data) / 1024 / 1024:.2f} MB), {STORED} references already stored")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; CPU: this process + its database backend")

    parse, insert, plain_rows = plain_bulk_create(editor, data)
    figures = preview_and_confirm(editor, data)
    small = preview_and_confirm(editor, ris(1000))
    batches = -(-RECORDS // 1000)
    line("reference: parse alone", *parse, f"{RECORDS / parse[1]:6.0f} records per CPU second")
    line("reference: bare bulk_create", *insert, f"{plain_rows} rows")
    for step in ("preview", "confirm"):
        wall, cpu, queries, report = figures[step]
        line(step, wall, cpu, f"{queries} queries ({report.summary})")
    wall = figures["preview"][0] + figures["confirm"][0]
    cpu = figures["preview"][1] + figures["confirm"][1]
    line(
        "preview + confirm",
        wall,
        cpu,
        f"{RECORDS / wall:.0f} records/s wall, {RECORDS / cpu:.0f} records per CPU second (goal {GOAL} records/s)",
    )
    per_batch = {step: (figures[step][2] - small[step][2]) / max(batches - 1, 1) for step in ("preview", "confirm")}
    print(
        f"queries for 1,000 records: preview {small['preview'][2]}, confirm {small['confirm'][2]};"
        f" each further 1,000-record batch: preview {per_batch['preview']:.0f}, confirm {per_batch['confirm']:.0f}"
    )
    print(
        f"afterwards, in the background: citation entries (AMA + Vancouver) at"
        f" {formatting_rate(editor, data):.0f} records/s"
    )


if __name__ == "__main__":
    run_in_throwaway_database(run)
