"""What changed since the last release: every published number's revision, listed, explained and marked.

- `ledger`: the book's ledger, every number it publishes by a stable key (stated numbers, the numbers it computes,
  every cell of the report's tables, every audit verdict) with the data cells each was read from, and every data
  cell itself;
- `store`: the releases, each a ledger file in releases/<year>/, committed and tagged release-<year>-<n> by
  `make release`; finding the ledger of a release tag or commit;
- `compare`: the ledger compared with the last release, each changed data cell with its entries in the
  corrections log (data/<year>/revisions.csv) and the published numbers it changed, and what the log leaves
  unexplained;
- `comparison`: that comparison in a build (made before Sphinx reads, stopping the build on what the log does not
  explain) and in the published site (revisions/);
- `text`: the comparison in words for the terminal (`make diff`).
`python -m jzreport.releases record|diff|ledger` (jzreport.releases.__main__): `make release`, `make diff`.
"""
