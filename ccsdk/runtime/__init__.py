"""The driver: processes, tasks and clocks. All of ccsdk's I/O happens here."""
