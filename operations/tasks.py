"""django-q2 task functions: thin calls into the operations modules."""

from __future__ import annotations

from operations import metrics


def sample_metrics() -> int:
    return metrics.collect().pk


def prune_metrics() -> int:
    return metrics.prune()
