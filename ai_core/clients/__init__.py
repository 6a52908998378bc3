"""Clients for the services the AI core talks to."""
