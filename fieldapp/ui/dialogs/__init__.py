"""Windows and dialogs around the main window: first run, unlock, new incident, settings."""
