"""Pieces shared by several pages."""
