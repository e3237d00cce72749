#!/usr/bin/env python3
"""Splink 5 (DuckDB backend) on the FEBRL benchmark, scored on clusters.

Usage:
    python bench/splink/febrl.py --data /work/shared/datasets/febrl [--task febrl3|febrl4|both]

Prints one JSON line per task to stdout; everything else (Splink's own logging,
progress) goes to stderr.

The model follows Splink's own FEBRL examples
(docs/demos/examples/duckdb/febrl3.ipynb and febrl4.ipynb in
moj-analytical-services/splink): the same blocking rules, the same
deterministic rules for the prior, u by random sampling, m by unsupervised EM
blocked on date_of_birth and on postcode.  The comparisons are the febrl4
example's "detailed" model plus the other location columns (address_1, suburb,
state).  rec_id is the unique id only: it is never compared or blocked on, and
is read again only to score the clusters afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from importlib.metadata import version as package_version

import duckdb

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = [
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
]

# Standard Splink clustering threshold; fixed in advance, not tuned on the truth.
DEFAULT_THRESHOLD = 0.9
# max_pairs for u estimation: 1e6, as both Splink FEBRL examples use (Splink
# logs a warning that 1e6 may be small; 1e7 gives the same F1 here but about
# 2-3x the training time, almost all of it spent finding 100 non-matching
# soc_sec_id pairs within edit distance 1). Override with --u-max-pairs.
U_MAX_PAIRS = 1e6
SEED = 42

log = logging.getLogger("febrl-bench")


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------
def load_csv(con: duckdb.DuckDBPyConnection, path: str, table: str) -> int:
    """Load one FEBRL CSV into a DuckDB table: strip values, '' -> NULL."""
    if not os.path.isfile(path):
        raise SystemExit(f"missing data file: {path}")
    names = ", ".join(f"'{c}'" for c in COLUMNS)
    cleaned = ", ".join(f"nullif(trim({c}), '') as {c}" for c in COLUMNS)
    quoted_path = path.replace("'", "''")
    con.execute(
        f"""
        create or replace table {table} as
        select {cleaned}
        from read_csv('{quoted_path}', header = true, delim = ',', quote = '',
                      escape = '', all_varchar = true, names = [{names}])
        """
    )
    return con.execute(f"select count(*) from {table}").fetchone()[0]


def person_of(rec_id: str) -> str:
    """'rec-123-dup-0' / 'rec-123-org' -> '123' (scoring only)."""
    m = re.match(r"^rec-(\d+)-", rec_id)
    if not m:
        raise ValueError(f"unexpected rec_id {rec_id!r}")
    return m.group(1)


# --------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------
def comparisons() -> list:
    """febrl4 example's detailed model + the remaining location columns."""
    return [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "date_of_birth",
            input_is_string=True,
            datetime_format="%Y%m%d",
            invalid_dates_as_null=True,
        ),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True
        ),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]).configure(
            term_frequency_adjustments=True
        ),
        cl.ExactMatch("state").configure(term_frequency_adjustments=True),
    ]


TASKS = {
    # Splink example: docs/demos/examples/duckdb/febrl3.ipynb
    "febrl3": {
        "files": ["dataset3.csv"],
        "link_type": "dedupe_only",
        "blocking_rules": [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        "deterministic_rules": [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ],
        "deterministic_recall": 0.9,
        "em_rules": [block_on("date_of_birth"), block_on("postcode")],
        "em_without_tf": False,
    },
    # Splink example: docs/demos/examples/duckdb/febrl4.ipynb
    "febrl4": {
        "files": ["dataset4a.csv", "dataset4b.csv"],
        "link_type": "link_only",
        "blocking_rules": [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        "deterministic_rules": [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ],
        "deterministic_recall": 0.8,
        "em_rules": [block_on("date_of_birth"), block_on("postcode")],
        "em_without_tf": True,
    },
}


# Columns left out of every comparison and rule (--without): both systems of a comparison get the same fields.
EXCLUDED: set = set()


def mentions_excluded(rule) -> bool:
    sql = rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql
    return any(column in sql for column in EXCLUDED)


def run_splink(con, tables, task, threshold, u_max_pairs=U_MAX_PAIRS):
    """Train, predict and cluster.

    Returns (clusters SplinkDataFrame, seconds spent training)."""
    spec = {
        key: [rule for rule in value if not mentions_excluded(rule)] if key.endswith("_rules") else value
        for key, value in TASKS[task].items()
    }
    t0 = time.perf_counter()
    db_api = DuckDBAPI(connection=con)
    sdfs = [
        db_api.register(table, dataset_display_name=display)
        for table, display in tables
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=spec["link_type"],
        blocking_rules_to_generate_predictions=spec["blocking_rules"],
        comparisons=[c for c in comparisons() if not any(column in repr(vars(c)) for column in EXCLUDED)],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings)

    linker.training.estimate_probability_two_random_records_match(
        spec["deterministic_rules"], recall=spec["deterministic_recall"]
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=SEED)
    for rule in spec["em_rules"]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=spec["em_without_tf"]
        )
    training_seconds = time.perf_counter() - t0
    log.info("[%s] training took %.2f s", task, training_seconds)

    # Edges below the clustering threshold can never join a cluster, so
    # predict() filters at the same threshold.
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    return clusters, training_seconds


# --------------------------------------------------------------------------
# scoring (pairwise, on clusters)
# --------------------------------------------------------------------------
def pairs_within(counter: Counter, link: bool) -> int:
    """Pairs inside each group. For dedupe: C(n, 2). For a link: only pairs
    whose records come from different files (n_a * n_b for two files).
    For a link the counter keys are (group, file)."""
    if link:
        per_group: dict = {}
        for (group, _side), n in counter.items():
            per_group.setdefault(group, []).append(n)
        return sum(
            (sum(ns) ** 2 - sum(n * n for n in ns)) // 2 for ns in per_group.values()
        )
    return sum(n * (n - 1) // 2 for n in counter.values())


def score(rows, link: bool) -> dict:
    """rows: (cluster_id, side, rec_id) for every input record."""
    by_cluster: Counter = Counter()
    by_person: Counter = Counter()
    by_both: Counter = Counter()
    for cluster_id, side, rec_id in rows:
        person = person_of(rec_id)
        if link:
            by_cluster[(cluster_id, side)] += 1
            by_person[(person, side)] += 1
            by_both[((cluster_id, person), side)] += 1
        else:
            by_cluster[cluster_id] += 1
            by_person[person] += 1
            by_both[(cluster_id, person)] += 1
    predicted = pairs_within(by_cluster, link)
    true = pairs_within(by_person, link)
    correct = pairs_within(by_both, link)
    precision = correct / predicted if predicted else 0.0
    recall = correct / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n_clusters = len({k[0] if link else k for k in by_cluster})
    return {
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
        "truePairs": true,
        "predictedPairs": predicted,
        "correctPairs": correct,
        "clusters": n_clusters,
    }


# --------------------------------------------------------------------------
def run_task(data_dir: str, task: str, threshold: float, u_max_pairs: float) -> dict:
    spec = TASKS[task]
    con = duckdb.connect(":memory:")
    con.execute("set enable_progress_bar = false")

    # Reading the CSVs is excluded from the timing.
    tables = []
    records = 0
    link = spec["link_type"] == "link_only"
    for i, fname in enumerate(spec["files"]):
        table = f"{task}_input_{i}"
        records += load_csv(con, os.path.join(data_dir, fname), table)
        tables.append((table, os.path.splitext(fname)[0]))
    log.info("[%s] loaded %d records", task, records)

    t0 = time.perf_counter()
    # Splink logs to stderr; also keep any stray print() off stdout.
    with contextlib.redirect_stdout(sys.stderr):
        clusters, training_seconds = run_splink(
            con, tables, task, threshold, u_max_pairs
        )
    seconds = time.perf_counter() - t0
    log.info("[%s] Splink run took %.2f s", task, seconds)

    side_col = "source_dataset" if link else f"'{task}'"
    rows = con.execute(
        f"select cluster_id, {side_col}, rec_id from {clusters.physical_name}"
    ).fetchall()
    if len(rows) != records:
        raise RuntimeError(f"clusters cover {len(rows)} of {records} records")

    result = {
        "task": task,
        "records": records,
        "seconds": round(seconds, 3),
        "recordsPerSecond": round(records / seconds, 1),
        "trainingSeconds": round(training_seconds, 3),
        "predictClusterSeconds": round(seconds - training_seconds, 3),
        "threshold": threshold,
        "thresholdType": "match_probability",
    }
    result.update(score(rows, link))
    result["splinkVersion"] = package_version("splink")
    result["duckdbVersion"] = duckdb.__version__
    con.close()
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="folder with the FEBRL CSVs")
    p.add_argument("--task", choices=["febrl3", "febrl4", "both"], default="both")
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help="clustering match probability (default 0.9)",
    )
    p.add_argument(
        "--u-max-pairs",
        type=float,
        default=U_MAX_PAIRS,
        help="max_pairs for estimate_u_using_random_sampling (default 1e6)",
    )
    p.add_argument(
        "--without",
        action="append",
        default=[],
        help="a column to leave out of every comparison and blocking rule (repeatable), e.g. soc_sec_id",
    )
    args = p.parse_args(argv)
    EXCLUDED.update(args.without)

    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(message)s"
    )
    tasks = ["febrl3", "febrl4"] if args.task == "both" else [args.task]
    for task in tasks:
        result = run_task(args.data, task, args.threshold, args.u_max_pairs)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
