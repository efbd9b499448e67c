"""Headless commands (spec/cli.md). Nothing here imports Qt."""
