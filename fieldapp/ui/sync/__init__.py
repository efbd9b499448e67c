"""Sync inside the desktop app: the controller, its words, and the sync dialogs and pages."""
