"""Pure-ASGI middleware: the body size limit and the security headers."""
