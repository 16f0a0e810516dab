"""The host's pages, one module each; every change goes through the booking core's services."""
