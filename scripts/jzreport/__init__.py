"""Shared code of the quality-report book (one edition per data folder: jzreport.datapackage.edition).

Chapters import from here: loading validated data (`data`), formatting numbers (`numbers`),
rendering tables (`tables`), drawing figures (`figures`) and placing numbers in prose (`prose`).
"""
