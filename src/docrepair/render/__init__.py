"""Renderers: the result as JSON, as JSONL notes, and as a human explanation."""
