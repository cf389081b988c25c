//! Receipts, status tokens and the hashes stored in their place.
//!
//! ## How a status token can be replayed without being stored
//! The status token lets a household check its declaration later; only its SHA-256 is stored.
//! A request repeated with the same `Idempotency-Key` (required) must get the same token back, so
//! the token is the first 128 bits of HMAC-SHA256(server secret, key). The secret is
//! 32 random bytes created on first start in the `settings` table; the key is stored only as its
//! SHA-256. Anyone holding the database therefore has neither a token nor what derives one
//! (the key is a client-made random UUID, and only the client knows it), while the server can
//! recompute the token when the client presents the same key and the same declaration again.
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Letters and digits that cannot be confused when read aloud or copied by hand (no I, O, 0, 1).
pub const RECEIPT_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new receipt `XQ-XXXX-XXXX` (40 random bits).
pub fn new_receipt() -> String {
    let mut rng = rand::rng();
    let mut chars = [0u8; 8];
    for c in chars.iter_mut() {
        // 32 symbols: masking 5 bits is unbiased.
        *c = RECEIPT_ALPHABET[(rng.random::<u8>() & 31) as usize];
    }
    let text = std::str::from_utf8(&chars).expect("ASCII alphabet");
    format!("XQ-{}-{}", &text[..4], &text[4..])
}

/// Whether `s` has the shape of a receipt (for later look-ups).
pub fn is_receipt(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 12
        && s.starts_with("XQ-")
        && b[7] == b'-'
        && b[3..7]
            .iter()
            .chain(&b[8..])
            .all(|c| RECEIPT_ALPHABET.contains(c))
}

/// The status token for a request carrying `key`; see the module documentation.
pub fn keyed_status_token(secret: &[u8], key: &Uuid) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(b"xiangqin status token v1\0");
    mac.update(key.hyphenated().to_string().as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// A new server secret: 32 random bytes as hex.
pub fn new_secret() -> String {
    hex::encode(rand::rng().random::<[u8; 32]>())
}

/// SHA-256 as lower-case hex.
/// Compares two hashes without stopping at the first difference, so the time taken says nothing
/// about how much of a guessed token was right.
pub fn hashes_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(data.as_ref()))
}

/// What is stored for an idempotency key: SHA-256 of its canonical text.
pub fn idempotency_key_hash(key: &Uuid) -> String {
    sha256_hex(key.hyphenated().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_have_the_promised_shape() {
        for _ in 0..1000 {
            let r = new_receipt();
            assert!(is_receipt(&r), "{r}");
        }
        assert!(!is_receipt("XQ-ABCD-EFG0"), "0 is not in the alphabet");
        assert!(!is_receipt("XQ-ABCDEFGH"));
    }

    #[test]
    fn tokens_are_128_bit_hex() {
        let t = keyed_status_token(b"secret", &Uuid::new_v4());
        assert_eq!(t.len(), 32);
        assert!(t.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(t, keyed_status_token(b"secret", &Uuid::new_v4()));
    }

    #[test]
    fn keyed_tokens_depend_on_secret_and_key_only() {
        let k = Uuid::new_v4();
        let upper = Uuid::parse_str(&k.to_string().to_uppercase()).unwrap();
        assert_eq!(
            keyed_status_token(b"s", &k),
            keyed_status_token(b"s", &upper)
        );
        assert_ne!(keyed_status_token(b"s", &k), keyed_status_token(b"t", &k));
        assert_ne!(
            keyed_status_token(b"s", &k),
            keyed_status_token(b"s", &Uuid::new_v4())
        );
        assert_eq!(keyed_status_token(b"s", &k).len(), 32);
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
