"""Shared code of the 2025 quality-report book.

Chapters import from here: loading validated data (`data`), formatting numbers (`numbers`),
rendering tables (`tables`), drawing figures (`figures`) and placing numbers in prose (`prose`).
"""
