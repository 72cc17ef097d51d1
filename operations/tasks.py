"""django-q2 task functions: thin calls into the operations modules."""

from __future__ import annotations


def sample_metrics() -> int:
    from operations import metrics

    return metrics.collect().pk


def prune_metrics() -> int:
    from operations import metrics

    return metrics.prune()
