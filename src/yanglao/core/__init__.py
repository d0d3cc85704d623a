"""The pure-Python rules core. Nothing under this package may import Django."""
