"""Fixture web for end-to-end tests: static demo sites and the local HTTP server that serves them."""
