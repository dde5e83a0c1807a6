"""Counting checks for make test-integrations: each prints ok/FAIL, the end a closing line."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


class Checks:
    def __init__(self, suite: str):
        self.suite = suite
        self.passed = 0
        self.failed = 0

    def check(self, condition: bool, what: str, detail: str = "") -> bool:
        if condition:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}" + (f"\n     {detail}" if detail else ""))
        return condition

    def equal(self, actual, expected, what: str) -> bool:
        return self.check(actual == expected, what, f"expected {expected!r}, got {actual!r}")

    def finish(self) -> None:
        print(f"{self.suite}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def read_json(path: Path):
    with path.open(encoding="utf-8") as stream:
        return json.load(stream)


def read_costs(path: Path) -> list[tuple[str, str]]:
    """costs.csv as its text: [(iteration, cost), ...] after the header."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["iteration", "cost"], f"{path}: header {rows[0]}"
    return [(row[0], row[1]) for row in rows[1:]]


# The metrics that depend only on the spec and the data (seconds is a wall-clock time).
DETERMINISTIC_METRICS = ("final_cost", "train_accuracy", "test_accuracy", "iterations")
