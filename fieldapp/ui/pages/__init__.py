"""One module (or package) per screen of the main window."""
