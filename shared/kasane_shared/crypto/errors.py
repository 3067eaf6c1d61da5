"""Error types of the crypto library: Japanese first, English second, and a stable code."""

from __future__ import annotations

# code -> (Japanese, English). Messages stay generic on purpose: a caller that relays them
# must not learn which internal check failed beyond the code it already logs.
_MESSAGES: dict[str, tuple[str, str]] = {
    "open_failed": (
        "暗号文を復号できませんでした。データが改ざんされているか、鍵が違います。",
        "The ciphertext could not be opened: it was altered or the key is wrong.",
    ),
    "malformed": (
        "暗号データの形式が正しくありません。",
        "The encrypted data is malformed.",
    ),
    "unsupported_format": (
        "対応していない暗号データの形式バージョンです。",
        "Unsupported format version of encrypted data.",
    ),
    "unsupported_suite": (
        "対応していない鍵方式です。",
        "Unsupported key suite.",
    ),
    "recipient_mismatch": (
        "この鍵はこの構成員・鍵バージョンのためのものではありません。",
        "This wrapped key is not for this member and key version.",
    ),
    "binding_mismatch": (
        "暗号データの紐付け（サービス・表・レコード・区分・会議種別）が一致しません。",
        "The binding (service, table, record, audience, conference kind) does not match.",
    ),
    "commitment_mismatch": (
        "データ鍵のコミットメントが一致しません。",
        "The data key commitment does not match.",
    ),
    "invalid_argument": (
        "暗号処理への入力が正しくありません。",
        "Invalid input to a cryptographic operation.",
    ),
    "unknown_kek_version": (
        "この鍵暗号化鍵（KEK）のバージョンが見つかりません。",
        "This key-encryption key (KEK) version is not available.",
    ),
    "wrong_provider": (
        "この暗号データは別の鍵プロバイダで封印されています。",
        "This sealed value belongs to another key provider.",
    ),
    "provider_unavailable": (
        "鍵プロバイダを利用できません。",
        "The key provider is unavailable.",
    ),
    "key_file_mode": (
        "鍵ファイルの権限が緩すぎます（0600 にしてください）。",
        "The key file's permissions are too loose (must be 0600).",
    ),
    "key_file_missing": (
        "鍵ファイルが見つかりません。保管場所から戻すか KASANE_KEY_FILE で指定してください。",
        "The key file is missing. Restore it or point KASANE_KEY_FILE at it.",
    ),
    "key_file_in_data_dir": (
        "鍵ファイルがデータディレクトリの中にあります。"
        "KASANE_KEY_FILE で別の場所を指定してください。",
        "The key file is inside the data directory. Set KASANE_KEY_FILE to a place outside it.",
    ),
    "key_file_invalid": (
        "鍵ファイルを読み込めません。",
        "The key file cannot be read.",
    ),
}


class CryptoError(Exception):
    """A cryptographic operation failed closed; carries a code and ja/en messages.

    Deliberately independent of the web layer: a service maps it to its problem response,
    e.g. ``KasaneError(400, err.code, err.ja, err.en)``.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.ja, self.en = _MESSAGES.get(code, _MESSAGES["open_failed"])
        # detail is for operators' logs (never key material); not meant for end users.
        self.detail = detail
        text = f"{self.ja} / {self.en}"
        super().__init__(f"{text} ({detail})" if detail else text)


class KeyProviderError(CryptoError):
    """The KEK provider is misconfigured or unreachable."""


class KeyFileError(KeyProviderError):
    """The local key file is unsafe (permissions) or unreadable."""
