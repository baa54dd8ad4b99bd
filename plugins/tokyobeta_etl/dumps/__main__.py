"""`python -m tokyobeta_etl.dumps DUMP_FILE [STEM]`: print the reader's throughput on one dump file."""

import sys

from .bench import bench_read, bench_split

if len(sys.argv) not in (2, 3):
    sys.exit("usage: python -m tokyobeta_etl.dumps DUMP_FILE[.gz] [STEM]")
print(f"split: {bench_split(sys.argv[1]):.1f} MB/s")
if len(sys.argv) == 3:
    print(f"read:  {bench_read(sys.argv[1], sys.argv[2]):.1f} MB/s")
