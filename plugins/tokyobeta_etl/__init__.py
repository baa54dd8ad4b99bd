"""tokyobeta_etl: the code behind the Tokyo Beta daily ETL DAGs (loaders, KPI rules, callbacks, config).

Lives in plugins/ so that MWAA, which puts plugins/ on sys.path, can import it from the DAG files.
Nothing here does I/O at import time.
"""
