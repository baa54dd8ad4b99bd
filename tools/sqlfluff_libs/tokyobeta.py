"""`{{ tokyobeta.* }}` for sqlfluff: fixed, plausible values (see tokyobeta_etl.template_macros for the real ones)."""


class _Plan:
    batch = "2026-02-10"
    decision = "publish"
    reason = "lint"


staging_tables = ("movings", "tenants", "apartments", "rooms", "inquiries")


def batch_iso(*_):
    return "2026-02-10"


def batch_ymd(*_):
    return "20260210"


def batch_schema(*_):
    return "staging"


def publish_plan(*_):
    return _Plan()


def setting(name):
    return name
