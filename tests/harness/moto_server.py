"""moto in server mode (S3, SNS, SQS, QuickSight) on a free loopback port, as a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .ports import free_port, wait_for_port

REGION = "ap-northeast-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


@dataclass
class MotoServer:
    endpoint_url: str
    proc: subprocess.Popen
    log_path: Path

    def client(self, service: str):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def reset(self) -> None:
        """Forget every bucket, topic and queue (moto's own reset endpoint)."""
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")).read()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start() -> MotoServer:
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="tokyobeta-moto-")) / "moto.log"
    log = open(log_path, "wb")  # noqa: SIM115 - kept open for the server's lifetime
    env = {**os.environ, **CREDENTIALS}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        wait_for_port(port, timeout=60, proc=proc, what=f"moto server (log: {log_path})")
    except BaseException:
        proc.kill()
        raise
    return MotoServer(endpoint_url=f"http://127.0.0.1:{port}", proc=proc, log_path=log_path)
