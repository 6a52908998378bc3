"""Fake third-party servers on 127.0.0.1 that speak the real wire formats."""
