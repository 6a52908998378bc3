"""Latency percentiles and the markdown report."""

import math
from dataclasses import dataclass

TARGET_P95_MS = 100.0


@dataclass(frozen=True)
class Result:
    name: str
    path: str
    timings_ms: list[float]
    errors: int

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile, the conservative one for small samples."""
        ordered = sorted(self.timings_ms)
        rank = max(math.ceil(p / 100 * len(ordered)), 1)
        return ordered[rank - 1]

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.percentile(95) < TARGET_P95_MS


def table(results: list[Result]) -> str:
    lines = [
        "| endpoint | request | p50 ms | p95 ms | p99 ms | n | errors | p95 < 100 ms |",
        "|---|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | `{r.path}` | {r.percentile(50):.1f} | {r.percentile(95):.1f}"
            f" | {r.percentile(99):.1f} | {len(r.timings_ms)} | {r.errors}"
            f" | {'yes' if r.ok else '**no**'} |"
        )
    return "\n".join(lines)
