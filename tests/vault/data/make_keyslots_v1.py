"""Write the stored format-1 fixtures. Run ONCE; the files are committed and must not change.

    FIELDAPP_TEST_FAST_KDF=1 python tests/vault/data/make_keyslots_v1.py

It prints the random data key, which ``tests/vault/test_vault_stored_files.py`` records: the
test proves that today's code still opens a slot file written by the first format, so a later
change to the AAD, the KDF record or the HPKE ``info`` cannot slip through unnoticed.
The recovery private key written here is a TEST-ONLY key protecting nothing real.
(It ran with the format-1 code; today's code writes format 2, so it cannot remake them.)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from fieldapp.vault import Vault, generate_recovery_keypair

PASSPHRASE = b"correct horse battery staple"
RECOVERY_PASSWORD = b"test-only recovery password"
HERE = Path(__file__).resolve().parent


def main() -> None:
    if os.environ.get("FIELDAPP_TEST_FAST_KDF") != "1":
        raise SystemExit("set FIELDAPP_TEST_FAST_KDF=1 so the fixture uses the floor cost")
    targets = [HERE / "keyslots-v1.json", HERE / "TEST-ONLY-recovery-private.pem"]
    if any(t.exists() for t in targets):
        raise SystemExit("fixtures already exist; they are frozen, do not regenerate them")
    with tempfile.TemporaryDirectory() as tmp:
        public, private = generate_recovery_keypair(
            Path(tmp) / "keys", key_password=RECOVERY_PASSWORD
        )
        vault = Vault.create(
            Path(tmp) / "vault",
            passphrase=bytearray(PASSPHRASE),
            user="fixture-user",
            role="idva",
            recovery_public_pem=public.read_bytes(),
        )
        print("DEK hex:", vault.raw_key_hex())
        print("db_uuid:", vault.info.db_uuid)
        vault.lock()
        shutil.copyfile(Path(tmp) / "vault" / Vault.SLOTS_NAME, targets[0])
        shutil.copyfile(private, targets[1])


if __name__ == "__main__":
    main()
