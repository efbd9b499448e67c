"""Minimum passphrase policy.

Kept deliberately short, following NIST SP 800-63B: length is what makes a passphrase strong,
and composition rules ("one capital, one symbol") mostly produce ``Password1!``. So we refuse
only the shapes that are cheap to guess even under Argon2id:

* fewer than 12 characters;
* digits only (a PIN, a date or a phone number);
* fewer than 4 different characters (``aaaaaaaaaaaa``, ``abababababab``).

The check works on the UTF-8 bytes without decoding them, so no ``str`` copy of the passphrase
is created; a character is counted once per UTF-8 lead byte.
"""

from __future__ import annotations

__all__ = ["MIN_PASSPHRASE_CHARS", "passphrase_problem"]

MIN_PASSPHRASE_CHARS = 12
_MIN_DISTINCT = 4
_DIGITS = frozenset(b"0123456789")


def passphrase_problem(passphrase: bytearray) -> str | None:
    """Return a plain-English reason why ``passphrase`` (UTF-8 bytes) is too weak, or ``None``."""
    chars = sum(1 for byte in passphrase if byte & 0xC0 != 0x80)  # skip continuation bytes
    if chars < MIN_PASSPHRASE_CHARS:
        return (
            f"Use at least {MIN_PASSPHRASE_CHARS} characters. "
            "A short sentence or a few unrelated words is easiest to remember."
        )
    if all(byte in _DIGITS for byte in passphrase):
        return (
            "Use words, not only numbers: numbers such as dates or phone numbers are easy to guess."
        )
    if len(set(passphrase)) < _MIN_DISTINCT:
        return "Avoid repeating the same few characters; use a few unrelated words instead."
    return None
