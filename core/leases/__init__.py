"""Named leases: exactly one process holds each (one vision leader per camera group)."""

from core.leases.service import LeaseInfo, holder_of, leases, release, renew, try_acquire

__all__ = ["LeaseInfo", "holder_of", "leases", "release", "renew", "try_acquire"]
