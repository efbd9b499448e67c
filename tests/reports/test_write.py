"""Password protection and the atomic, owner-only write."""

from __future__ import annotations

import io
import os
import stat

import pytest
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from fieldapp.reports import CaseSummaryInput, render_case_summary, write_pdf

from .builders import PRINTED_AT, assert_chrome, pages_text, shows


def _summary(case, encrypt: str | None = None) -> bytes:
    inp = CaseSummaryInput(case=case, printed_by="Sgt Ada Byrne", printed_at=PRINTED_AT)
    return render_case_summary(inp, encrypt=encrypt)


def test_password_protected_pdf(case) -> None:
    data = _summary(case, encrypt="correct horse battery")
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert not PdfReader(io.BytesIO(data)).decrypt("wrong password")
    assert b"LC-20240309-01234" not in data and b"Kestrel" not in data
    pages = pages_text(data, password="correct horse battery")
    assert_chrome(pages)
    assert shows(pages[0], "LC-20240309-01234")


def test_encryption_is_aes_256_never_rc4(case) -> None:
    data = _summary(case, encrypt="pw 2024")
    reader = PdfReader(io.BytesIO(data))
    encrypt = reader.trailer["/Encrypt"].get_object()
    assert (encrypt["/Filter"], encrypt["/V"], encrypt["/R"]) == ("/Standard", 5, 6)
    assert encrypt["/Length"] == 256
    crypt_filter = encrypt["/CF"]["/StdCF"]
    assert crypt_filter["/CFM"] == "/AESV3"  # AES-256; RC4 would be /V2
    assert (encrypt["/StmF"], encrypt["/StrF"]) == ("/StdCF", "/StdCF")
    # Printing allowed (bit 3), copying and changing not (bits 4, 5, 6).
    permissions = int(encrypt["/P"])
    assert permissions & 4 and not permissions & (8 | 16 | 32)
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert reader.decrypt("pw 2024")
    assert "Case summary" in reader.pages[0].extract_text()
    assert reader.metadata.title == "Case summary · LC-20240309-01234"


def test_aes_256_pdf_opens_in_pdfium_with_the_password_only(case) -> None:
    import pypdfium2 as pdfium

    data = _summary(case, encrypt="river lantern 42")
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(data)
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(data, password="river lantern")
    document = pdfium.PdfDocument(data, password="river lantern 42")
    try:
        assert "LC-20240309-01234" in document[0].get_textpage().get_text_range()
    finally:
        document.close()


def test_empty_password_is_refused(case) -> None:
    with pytest.raises(ValueError):
        _summary(case, encrypt="")


def test_write_is_atomic_and_private(case, tmp_path) -> None:
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"old")
    data = _summary(case)
    written = write_pdf(data, target)
    assert written == target.resolve()
    assert target.read_bytes() == data
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.pdf"]


def test_failed_write_keeps_the_old_file(case, tmp_path, monkeypatch) -> None:
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"old")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_pdf(_summary(case), target)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.pdf"]


def test_only_pdf_bytes_are_written(tmp_path) -> None:
    with pytest.raises(ValueError):
        write_pdf(b"not a pdf", tmp_path / "x.pdf")


def test_caseload_can_be_protected_too() -> None:
    from fieldapp.reports import render_caseload

    from .builders import make_caseload

    data = render_caseload(make_caseload(40), encrypt="team pass")
    assert PdfReader(io.BytesIO(data)).is_encrypted
    assert_chrome(pages_text(data, password="team pass"))
