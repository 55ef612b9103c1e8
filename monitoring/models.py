"""Indicators, monitoring periods and school reports (built in a later stage)."""
