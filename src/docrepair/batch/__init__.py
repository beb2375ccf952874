"""Batch mode: many documents from directories, archives and JSONL, repaired by a pool of
workers, resumable, with cross-document near-duplicate detection. Depends on the library; the
library never imports it."""
