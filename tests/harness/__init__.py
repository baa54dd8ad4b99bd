"""The test harness: real throwaway servers (MySQL-compatible, moto) and an isolated Airflow home."""
