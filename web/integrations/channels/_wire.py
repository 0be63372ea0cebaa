"""What every connector shares: the replay window, message keys from content, JSON bodies
read strictly, and HTTP calls whose failures become :class:`ChannelUnavailable`."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
from pydantic import ValidationError

from core.channels.schemas import ChannelOrderMessage
from web.integrations.channels.base import (
    BadMessage,
    ChannelConfig,
    ChannelUnavailable,
    SignatureInvalid,
)

__all__ = [
    "CHINA",
    "ChannelRefused",
    "Http",
    "check_window",
    "china_time",
    "digest_key",
    "message",
    "occurred",
    "parse_china_time",
    "read_json",
]

#: The marketplaces' own clock (their timestamps are "yyyy-MM-dd HH:mm:ss" in GMT+8).
CHINA = timezone(timedelta(hours=8))
_CHINA_FORMAT = "%Y-%m-%d %H:%M:%S"


class ChannelRefused(ChannelUnavailable):
    """The channel answered, and refused the call (a 4xx or an API error): it will be retried,
    and a person should look at the channel's last error."""

    code = "channel-refused"


def check_window(timestamp_s: float, now_s: float, window_s: int) -> None:
    """Refuse a webhook signed more than ``window_s`` seconds from now (either way)."""
    if abs(now_s - timestamp_s) > window_s:
        raise SignatureInvalid(
            f"The webhook's timestamp is {int(now_s - timestamp_s)} s from now; "
            f"at most {window_s} s is accepted."
        )


def china_time(now_s: float) -> str:
    """``now_s`` as the marketplaces write a timestamp (GMT+8, to the second)."""
    return datetime.fromtimestamp(now_s, CHINA).strftime(_CHINA_FORMAT)


def parse_china_time(text: str) -> float:
    """A marketplace timestamp (GMT+8) as Unix seconds; SignatureInvalid when unreadable."""
    try:
        return datetime.strptime(text, _CHINA_FORMAT).replace(tzinfo=CHINA).timestamp()
    except ValueError as exc:
        raise SignatureInvalid(f"Unreadable timestamp {text[:40]!r}.") from exc


def occurred(text: object) -> datetime | None:
    """A GMT+8 timestamp or Unix seconds as an aware datetime; None when absent/unreadable."""
    if isinstance(text, (int, float)) and not isinstance(text, bool) and 0 < text < 2**33:
        return datetime.fromtimestamp(text, UTC)
    if isinstance(text, str):
        try:
            return datetime.strptime(text, _CHINA_FORMAT).replace(tzinfo=CHINA).astimezone(UTC)
        except ValueError:
            return None
    return None


def digest_key(*parts: object) -> str:
    """A message key from content, for channels whose messages carry no id of their own."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:48]


def read_json(body: bytes) -> Any:
    """The JSON value of a body; BadMessage when it is not JSON."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadMessage(f"The body is not JSON: {exc}") from exc
    except RecursionError as exc:  # nested deeper than any order message
        raise BadMessage("The body's JSON is nested too deeply.") from exc


def message(data: Mapping[str, Any]) -> ChannelOrderMessage:
    """A normalised message from a dict; BadMessage naming the first problems otherwise."""
    try:
        return ChannelOrderMessage.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'message'}: {err['msg']}"
            for err in exc.errors()[:3]
        )
        raise BadMessage(f"Unreadable order message: {problems}") from exc


class Http:
    """One channel's HTTP client: timeouts from the config; network errors, 5xx and 429 become
    ChannelUnavailable, other 4xx ChannelRefused."""

    def __init__(self, config: ChannelConfig) -> None:
        self._timeout = config.timeout_s
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def _get(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(timeout=self._timeout)
            return self._client

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request; the answer when it is 2xx."""
        try:
            answer = self._get().request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise ChannelUnavailable(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
        if answer.status_code >= 500 or answer.status_code == 429:
            raise ChannelUnavailable(f"{method} {url}: HTTP {answer.status_code}")
        if answer.status_code >= 400:
            raise ChannelRefused(f"{method} {url}: HTTP {answer.status_code}: {answer.text[:200]}")
        return answer

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        """Send one request; its JSON answer (ChannelUnavailable when it is not JSON)."""
        answer = self.request(method, url, **kwargs)
        try:
            return answer.json()
        except ValueError as exc:
            raise ChannelUnavailable(f"{method} {url}: the answer is not JSON") from exc

    def close(self) -> None:
        """Close the connections."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


class ConnectorBase:
    """What every connector holds: its channel's config, an HTTP client and a clock."""

    def __init__(self, config: ChannelConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self._http = Http(config)
        self._clock = clock

    def _secret(self) -> str:
        """The signing secret; SignatureInvalid (every webhook refused) when there is none."""
        if not self.config.secret:
            raise SignatureInvalid("The channel has no secret: every webhook is refused.")
        return self.config.secret

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()
