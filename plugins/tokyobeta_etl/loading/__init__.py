"""The staging layer: stream dumps from S3 into the load area, validate, tag, publish atomically."""
