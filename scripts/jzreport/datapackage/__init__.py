"""The edition's data package (data/<year>/): reading it (`load`: tables, stated facts, declarations), reading a
typed cell (`cells`), checking it (`validate`: `make check-data`), recording its checksums (`checksums`:
`make record-data`), the data each chapter declares it reads (`declared`) and the edition it describes (`edition`)."""
