"""A deck row's use cases: its lifecycle, the pipeline that renders it, briefs, restyles, revisions and removal."""
