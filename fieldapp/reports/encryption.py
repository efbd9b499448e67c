"""Password protection for a finished PDF: AES-256 (PDF 2.0 standard security, /V 5 /R 6).

Why pypdf and not reportlab's own ``encrypt=``: reportlab 5.1 offers RC4 40/128-bit and an
AES-256 mode (revision 5) whose files neither poppler nor pypdf can open, and RC4 is broken. So
reportlab builds the document unencrypted in memory and pypdf (through the ``cryptography``
package) encrypts it before any byte leaves the process: nothing unencrypted touches the disk.

The owner password is random and thrown away: nobody can lift the no-copy/no-edit flags, and
printing stays allowed (a case summary is printed for supervision). Password-protected PDFs are
a courtesy against casual reading, not the control that protects the data: that is the encrypted
vault and the audit of every print.
"""

from __future__ import annotations

import secrets
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions

ALGORITHM = "AES-256"  # /V 5 /R 6; pypdf's "AES-256-R5" is the deprecated draft, never used
_PERMISSIONS = UserAccessPermissions.PRINT | UserAccessPermissions.PRINT_TO_REPRESENTATION


def check_password(password: str | None) -> None:
    """Refuse an empty password before any work is done (None means: no protection)."""
    if password is not None and not password:
        raise ValueError("a PDF password must not be empty")


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """``data`` (an unencrypted PDF) encrypted with AES-256 for ``password``; the document's
    catalog (outline, /Lang, viewer preferences) and its metadata are kept."""
    check_password(password)
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=secrets.token_urlsafe(32),
                   permissions_flag=_PERMISSIONS, algorithm=ALGORITHM)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
