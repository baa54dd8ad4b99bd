"""Task builders for the DAG files: each returns ready-wired operators, so a DAG file reads like its diagram."""
