"""Alerts out, the Frigate way: MQTT topics and signed webhooks for a security desk.

:func:`start_integrations` is called by every process that commits alerts or runs cameras
(the web app's lifespan, ``facet vision serve``). It subscribes ``local_only``: an alert goes
out from the one process that committed it, however many web workers receive the event.
Camera states go out from the process that runs the cameras (pass ``camera_states``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core import AlertAcknowledged, AlertRaised, EventBus
from web.integrations.mqtt import MqttPublisher
from web.integrations.payloads import CameraStates, CameraWatch, alert_payload, camera_payload
from web.integrations.webhooks import Delivery, WebhookSender

if TYPE_CHECKING:
    from vision.messages import CameraStatusReport
    from web.settings import OperationsSettings

__all__ = ["Integrations", "start_integrations"]


@dataclass
class Integrations:
    """The running integrations of one process; :meth:`stop` ends them."""

    bus: EventBus
    mqtt: MqttPublisher | None = None
    webhooks: list[WebhookSender] = field(default_factory=list)
    watch: CameraWatch | None = None

    @property
    def active(self) -> bool:
        """Whether anything is configured (MQTT or a webhook)."""
        return self.mqtt is not None or bool(self.webhooks)

    def on_alert(self, event: AlertRaised | AlertAcknowledged) -> None:
        """Send one alert event everywhere (called at commit: nothing here blocks)."""
        if self.mqtt is not None:
            self.mqtt.alert(event)
        delivery = Delivery.of(event.name, alert_payload(event))
        for sender in self.webhooks:
            sender.offer(delivery)

    def on_camera(self, report: CameraStatusReport) -> None:
        """Send one camera's new state everywhere."""
        if self.mqtt is not None:
            self.mqtt.camera_state(report)
        delivery = Delivery.of("CameraState", camera_payload(report))
        for sender in self.webhooks:
            sender.offer(delivery)

    def stop(self) -> None:
        """Unsubscribe, stop watching cameras, flush webhooks, say offline and disconnect."""
        self.bus.unsubscribe(AlertRaised, self.on_alert)
        self.bus.unsubscribe(AlertAcknowledged, self.on_alert)
        if self.watch is not None:
            self.watch.stop()
        for sender in self.webhooks:
            sender.stop()
        if self.mqtt is not None:
            self.mqtt.stop()


def start_integrations(
    operations: OperationsSettings,
    bus: EventBus,
    camera_states: CameraStates | None = None,
    *,
    watch_interval_s: float = 1.0,
    sender: Callable[..., WebhookSender] = WebhookSender,
) -> Integrations:
    """Start MQTT and the webhooks that ``operations`` configures; nothing when none are.

    ``camera_states`` (``VisionSupervisor.statuses``) is given only by the process that runs
    the cameras; their state changes are then published too.
    """
    integrations = Integrations(bus=bus)
    if operations.mqtt_url:
        integrations.mqtt = MqttPublisher(operations.mqtt_url,
                                          prefix=operations.mqtt_topic_prefix)
        integrations.mqtt.start()
    for hook in operations.webhooks:
        integrations.webhooks.append(sender(hook.url, hook.secret, hook.events))
        integrations.webhooks[-1].start()
    if not integrations.active:
        return integrations
    bus.subscribe(AlertRaised, integrations.on_alert, local_only=True)
    bus.subscribe(AlertAcknowledged, integrations.on_alert, local_only=True)
    if camera_states is not None:
        integrations.watch = CameraWatch(camera_states, integrations.on_camera,
                                         interval_s=watch_interval_s)
        integrations.watch.start()
    return integrations
