"""REST and websocket routers of the web app (the core's own routers are ``core.routers``)."""
