"""Alerts and camera states to an MQTT broker, as Frigate publishes them.

Topics (``<prefix>`` is ``FACET_MQTT_TOPIC_PREFIX``, ``facet`` by default):

- ``<prefix>/available``: ``online`` (retained) once connected; the broker's last will sets
  ``offline`` (retained) when the process dies, and a clean stop publishes it too.
- ``<prefix>/alerts``: each alert, raised (``type`` new) and acknowledged (``type`` end), as
  JSON, QoS 1, not retained (see :mod:`web.integrations.payloads`).
- ``<prefix>/cameras/<name>/state``: the camera's state (``online``, ``offline``, ``error``...)
  as plain text, retained, published when it changes.

paho's network thread (``loop_start``) reconnects by itself; the MQTT 5 session is kept across
reconnects (clean start only on the first connection, with a session expiry), so paho resends
only what the broker had not acknowledged. QoS 1 may still deliver twice after a reconnect:
consumers drop repeats by the payload's ``id``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from uuid import uuid4

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from core import AlertAcknowledged, AlertRaised
from web.integrations.payloads import alert_payload

if TYPE_CHECKING:
    from vision.messages import CameraStatusReport

__all__ = ["BrokerAddress", "MqttPublisher", "parse_mqtt_url"]

log = logging.getLogger(__name__)

SESSION_EXPIRY_S = 600  # the broker keeps our session (and what is in flight) over a reconnect
MAX_QUEUED = 10_000  # messages held while the broker is away; beyond that they are dropped


@dataclass(frozen=True)
class BrokerAddress:
    """Where the broker is and how to sign in (from ``FACET_MQTT_URL``)."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None


def parse_mqtt_url(url: str) -> BrokerAddress:
    """``mqtt://[user:password@]host[:port]`` or ``mqtts://...`` (TLS, port 8883 by default)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ValueError(
            f"FACET_MQTT_URL {url!r} is not an MQTT URL: use mqtt://host:1883 or "
            "mqtts://user:password@host:8883."
        )
    tls = parts.scheme == "mqtts"
    return BrokerAddress(
        host=parts.hostname, port=parts.port or (8883 if tls else 1883), tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _topic_part(name: str) -> str:
    """A camera name as one topic level (MQTT reserves ``/``, ``+`` and ``#``)."""
    return "".join("_" if ch in "/+#" else ch for ch in name) or "_"


class MqttPublisher:
    """One MQTT connection per process: availability, alerts and camera states."""

    def __init__(self, url: str, *, prefix: str = "facet", keepalive: int = 30) -> None:
        self.address = parse_mqtt_url(url)
        self.prefix = prefix.strip("/") or "facet"
        self.available_topic = f"{self.prefix}/available"
        self.alerts_topic = f"{self.prefix}/alerts"
        self._keepalive = keepalive
        self._cameras: dict[str, str] = {}  # topic -> state, republished on every connect
        self._lock = threading.Lock()
        self._stopping = False
        self._connected = threading.Event()
        self.client = self._client()

    def camera_topic(self, camera: str) -> str:
        """The retained state topic of one camera."""
        return f"{self.prefix}/cameras/{_topic_part(camera)}/state"

    @property
    def connected(self) -> bool:
        """Whether the broker connection is up now."""
        return self._connected.is_set()

    def _client(self) -> paho.Client:
        client_id = f"facet-{socket.gethostname()}-{os.getpid()}-{uuid4().hex[:8]}"
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                             protocol=MQTTProtocolVersion.MQTTv5)
        if self.address.username is not None:
            client.username_pw_set(self.address.username, self.address.password)
        if self.address.tls:
            client.tls_set()
        client.will_set(self.available_topic, "offline", qos=1, retain=True)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.max_queued_messages_set(MAX_QUEUED)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        return client

    def start(self) -> None:
        """Connect in paho's network thread (retrying until the broker answers)."""
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        self.client.connect_async(self.address.host, self.address.port,
                                  keepalive=self._keepalive, properties=props)
        self.client.loop_start()

    def wait_connected(self, timeout: float) -> bool:
        """Block until connected (tests and start-up checks); False after ``timeout``."""
        return self._connected.wait(timeout)

    def stop(self, timeout: float = 3.0) -> None:
        """Say ``offline`` (retained), disconnect and stop the network thread."""
        self._stopping = True
        if self.connected:
            info = self.client.publish(self.available_topic, "offline", qos=1, retain=True)
            try:
                info.wait_for_publish(timeout)
            except (RuntimeError, ValueError):  # disconnected meanwhile: the will says it
                pass
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: paho.Client, _userdata: Any, _flags: Any,
                    reason: Any, _props: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT broker %s refused the connection: %s", self.address.host, reason)
            return
        log.info("MQTT connected to %s:%s", self.address.host, self.address.port)
        client.publish(self.available_topic, "online", qos=1, retain=True)
        # Another Facet process's will may set offline while this one lives: answer it.
        client.subscribe(self.available_topic, options=SubscribeOptions(qos=0, noLocal=True))
        with self._lock:  # a broker without persistence forgot the retained states
            self._connected.set()
            for topic, state in self._cameras.items():
                client.publish(topic, state, qos=1, retain=True)

    def _on_disconnect(self, _client: paho.Client, _userdata: Any, _flags: Any,
                       reason: Any, _props: Any) -> None:
        self._connected.clear()
        if not self._stopping:
            log.warning("MQTT connection to %s lost (%s); reconnecting", self.address.host,
                        reason)

    def _on_message(self, client: paho.Client, _userdata: Any, message: Any) -> None:
        if message.topic == self.available_topic and message.payload == b"offline":
            if not self._stopping:
                client.publish(self.available_topic, "online", qos=1, retain=True)

    def _publish(self, topic: str, payload: str, *, retain: bool) -> None:
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        if info.rc == paho.MQTT_ERR_QUEUE_SIZE:
            log.error("MQTT queue full (%d messages): dropped a message to %s", MAX_QUEUED, topic)

    def alert(self, event: AlertRaised | AlertAcknowledged) -> None:
        """Publish an alert event to ``<prefix>/alerts`` (QoS 1; queued while disconnected)."""
        self._publish(self.alerts_topic, json.dumps(alert_payload(event)), retain=False)

    def camera_state(self, report: CameraStatusReport) -> None:
        """Publish a camera's state to its retained topic (and remember it for reconnects)."""
        topic, state = self.camera_topic(report.camera), str(report.state)
        with self._lock:  # while disconnected, the next connect publishes it (once)
            self._cameras[topic] = state
            if self.connected:
                self._publish(topic, state, retain=True)
