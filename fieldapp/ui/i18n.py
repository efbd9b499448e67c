"""Install Qt translators for the user's locale when a compiled catalogue exists.

Our own strings come from ``resources/i18n/fieldapp_<locale>.qm`` (built by ``pyside6-lrelease``
from the ``.ts`` sources); Qt's own dialogs use the ``qtbase`` catalogue shipped with PySide6.
With no catalogue for the locale nothing is installed and the English source strings show.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from fieldapp.ui.icons import resources_dir


def install_translators(app: QCoreApplication, language: str = "") -> list[QTranslator]:
    locale = QLocale(language) if language else QLocale.system()
    installed = []
    sources = (
        ("fieldapp", str(resources_dir() / "i18n")),
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    )
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed
