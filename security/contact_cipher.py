"""Sealing a whistleblower's contact (Fernet: AES-128-CBC + HMAC-SHA256) with the key from settings.

In development, with no `DUBAN_WHISTLEBLOWER_KEY`, a key is generated once into `<data_dir>/whistleblower.key`;
outside development the settings refuse to start without one.
"""

import os

from cryptography.fernet import Fernet, InvalidToken

from core.settings import Settings


class ContactCipher:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def seal(self, contact: str) -> str:
        return self._fernet.encrypt(contact.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ValueError("the contact was sealed with another key") from None


def contact_cipher(settings: Settings) -> ContactCipher:
    if settings.whistleblower_key:
        return ContactCipher(settings.whistleblower_key)
    path = settings.data_dir / "whistleblower.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(Fernet.generate_key().decode())
    return ContactCipher(path.read_text().strip())
