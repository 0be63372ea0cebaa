"""Scales for weighing pieces at custody changes: a driver protocol, a line-protocol driver for
serial/USB balances, and a fake for tests.

The core never talks to hardware (it takes readings in grams); the web app may, so the drivers
live here. A driver is chosen by ``FACET_SCALE_URL``:

- ``fake:3.215,3.190`` replays the readings given (tests, demos);
- ``file:///path/to/stream`` reads lines from a file or FIFO (a tty configured with ``stty``);
- ``serial:///dev/ttyUSB0?baud=9600&command=SI`` opens a serial port with pyserial when it is
  installed (``pip install pyserial``), else as a plain file; ``command`` is sent first (MT-SICS
  ``SI`` asks a Mettler Toledo balance for the current weight; leave it out for balances that
  print continuously or on their PRINT key).

Every driver answers with a :class:`ScaleReading`; lines are parsed by :func:`parse_line`, which
reads the common balance formats (MT-SICS ``S S 3.215 g``, A&D ``ST,+00003.215  g``, Ohaus and
Sartorius ``+ 3.215 g``) in g, mg, kg or ct.
"""

from web.integrations.scales.drivers import (
    FakeScale,
    LineScale,
    Scale,
    ScaleError,
    ScaleReading,
    ScaleSettings,
    open_scale,
    parse_line,
)

__all__ = [
    "FakeScale",
    "LineScale",
    "Scale",
    "ScaleError",
    "ScaleReading",
    "ScaleSettings",
    "open_scale",
    "parse_line",
]
