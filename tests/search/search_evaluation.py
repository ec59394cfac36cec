"""The evaluation set and bench/bench_questions.py's scoring, shared by the search tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_questions", ROOT / "bench" / "bench_questions.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_questions"] = bench
_spec.loader.exec_module(bench)

CASES = bench.load_cases()
EMERGENCY_CASES = [c for c in CASES if c.topic == bench.EMERGENCY]
DECLINE_CASES = [c for c in CASES if c.topic == bench.DECLINE]
TOPIC_CASES = [c for c in CASES if c.topic not in (bench.EMERGENCY, bench.DECLINE)]
