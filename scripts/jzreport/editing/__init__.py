"""Tools for editors: JupyterLab with chapters as notebooks (`lab`: `make lab`), the live preview (`preview`:
`make serve`) and a local server with gzip like a real host's (`gzip_server`, for page-speed measurements)."""
