//! Personal data at rest: the data key, field encryption and keyed hashes.
//!
//! The names, ID numbers, phone numbers, the declaration's body (its free texts, health and
//! household facts) and cadres' notes are stored sealed: XChaCha20-Poly1305 (RustCrypto's
//! `chacha20poly1305`) with a random 192-bit nonce per value and the field and receipt as
//! associated data, so a value cannot be moved to another field or declaration unnoticed. A
//! sealed value is text, `xq1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`: the format
//! version and the id of the key that sealed it, so keys can be rotated (`key rotate`) and a
//! value sealed with another key is told apart from a damaged one.
//!
//! Declarations of one person are linked by a keyed hash of the ID number (HMAC-SHA256), never
//! the number itself; the idempotency check compares a keyed hash of the body.
//!
//! The operator's data key is 32 random bytes, written as 64 hex characters in a file
//! (`--data-key-file`; `openssl rand -hex 32` makes one, or `key generate`). The cipher key, the
//! hash key, the key id and the check value stored in the database are derived from it with
//! HKDF-SHA256, each under its own label: none of them gives away another or the data key.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The start of every sealed value: the format version.
pub const SEALED_PREFIX: &str = "xq1:";
const NONCE_BYTES: usize = 24;

/// Which stored field a value belongs to (part of the associated data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    ApplicantName,
    IdNumber,
    Phone,
    /// The whole declaration as JSON.
    Body,
    /// A cadre's note on a step.
    Note,
}

impl Field {
    fn label(self) -> &'static str {
        match self {
            Field::ApplicantName => "applicant_name",
            Field::IdNumber => "id_number",
            Field::Phone => "phone",
            Field::Body => "body_json",
            Field::Note => "note",
        }
    }
}

/// Why a sealed value did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Not a sealed value at all (clear text, or something else).
    NotSealed,
    /// Sealed with another key.
    OtherKey { sealed_with: String, key: String },
    /// The key id matches but the value does not open: damaged or altered.
    Damaged,
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotSealed => write!(f, "a stored value is not encrypted"),
            OpenError::OtherKey { sealed_with, key } => write!(
                f,
                "a stored value is encrypted with data key {sealed_with}, not with the key given ({key})"
            ),
            OpenError::Damaged => write!(
                f,
                "a stored value does not decrypt with the data key (damaged or altered)"
            ),
        }
    }
}

impl std::error::Error for OpenError {}

/// The data key and what is derived from it.
#[derive(Clone)]
pub struct DataKey {
    master: [u8; 32],
    cipher: XChaCha20Poly1305,
    mac_key: [u8; 32],
    id: String,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key itself.
        f.debug_struct("DataKey").field("id", &self.id).finish()
    }
}

fn derive<const N: usize>(master: &[u8; 32], label: &str) -> [u8; N] {
    let mut out = [0u8; N];
    hkdf::Hkdf::<Sha256>::new(None, master)
        .expand(label.as_bytes(), &mut out)
        .expect("HKDF-SHA256 gives up to 8160 bytes");
    out
}

impl DataKey {
    pub fn from_bytes(master: [u8; 32]) -> DataKey {
        let cipher_key: [u8; 32] = derive(&master, "xiangqin field encryption v1");
        DataKey {
            cipher: XChaCha20Poly1305::new(&cipher_key.into()),
            mac_key: derive(&master, "xiangqin keyed hash v1"),
            id: hex::encode(derive::<4>(&master, "xiangqin key id v1")),
            master,
        }
    }

    /// A new random key (from the operating system's generator).
    pub fn generate() -> DataKey {
        DataKey::from_bytes(XChaCha20Poly1305::generate_key(&mut OsRng).into())
    }

    /// Reads a key file's text: 64 hex characters; blank lines and lines starting with `#` are
    /// ignored (the file this server writes explains itself in such lines).
    pub fn parse(text: &str) -> Result<DataKey, String> {
        let hex_text: String = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let bytes = hex::decode(&hex_text)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or("a data key is 64 hexadecimal characters (32 bytes), e.g. from `openssl rand -hex 32`")?;
        Ok(DataKey::from_bytes(bytes))
    }

    /// Reads the key file at `path`.
    pub fn read(path: &Path) -> Result<DataKey, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the data key file {}: {e}", path.display()))?;
        warn_if_readable_by_others(path);
        DataKey::parse(&text).map_err(|e| format!("data key file {}: {e}", path.display()))
    }

    /// The key file's text.
    pub fn file_text(&self) -> String {
        format!(
            "# 乡亲 Xiangqin data key {}: it encrypts the names, ID numbers, phone numbers and texts\n\
             # of the declarations; without it they cannot be read. Keep a copy apart from the\n\
             # database and its backups (README.md, \"Personal data\").\n{}\n",
            self.id,
            hex::encode(self.master)
        )
    }

    /// Writes the key to a new file `path`, readable by its owner only (mode 0600 whatever the
    /// umask), and syncs it and its folder: data sealed with it is never committed before the
    /// key is on disk. Refuses to overwrite an existing file.
    pub fn write_new(&self, path: &Path) -> Result<(), String> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let fail =
            |e: std::io::Error| format!("cannot write the data key file {}: {e}", path.display());
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(fail)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
        file.write_all(self.file_text().as_bytes()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        std::fs::File::open(folder)
            .and_then(|f| f.sync_all())
            .map_err(fail)?;
        Ok(())
    }

    /// A short public name of the key (8 hex characters), stored in every sealed value.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the database keeps to tell, at start, whether it was given its own key: the key id
    /// and a value derived from the key under its own label (it gives nothing of the key away).
    pub fn check_value(&self) -> String {
        format!(
            "{}:{}",
            self.id,
            hex::encode(derive::<32>(&self.master, "xiangqin key check v1"))
        )
    }

    fn aad(field: Field, receipt: &str) -> Vec<u8> {
        [field.label().as_bytes(), b"\0", receipt.as_bytes()].concat()
    }

    /// Seals `clear` as the value of `field` of declaration `receipt`.
    pub fn seal(&self, field: Field, receipt: &str, clear: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = DataKey::aad(field, receipt);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: clear.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 seals any length used here");
        let mut bytes = Vec::with_capacity(NONCE_BYTES + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        format!(
            "{SEALED_PREFIX}{}:{}",
            self.id,
            URL_SAFE_NO_PAD.encode(bytes)
        )
    }

    /// The id of the key a sealed value names, if it is one.
    pub fn sealed_with(value: &str) -> Option<&str> {
        value
            .strip_prefix(SEALED_PREFIX)?
            .split_once(':')
            .map(|(id, _)| id)
    }

    /// Opens a value sealed by [`DataKey::seal`] with the same field and receipt.
    pub fn open(&self, field: Field, receipt: &str, sealed: &str) -> Result<String, OpenError> {
        let (id, data) = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .ok_or(OpenError::NotSealed)?;
        if id != self.id {
            return Err(OpenError::OtherKey {
                sealed_with: id.to_string(),
                key: self.id.clone(),
            });
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(data)
            .map_err(|_| OpenError::Damaged)?;
        if bytes.len() < NONCE_BYTES {
            return Err(OpenError::Damaged);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let clear = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &DataKey::aad(field, receipt),
                },
            )
            .map_err(|_| OpenError::Damaged)?;
        String::from_utf8(clear).map_err(|_| OpenError::Damaged)
    }

    fn keyed_hash(&self, label: &[u8], text: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
            .expect("HMAC accepts any key length");
        mac.update(label);
        mac.update(text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The keyed hash that links declarations of one ID number (normalized: upper-case X).
    pub fn id_number_hash(&self, id_number: &str) -> String {
        self.keyed_hash(b"id_number\0", id_number)
    }

    /// The keyed hash of a declaration's body, to tell a replay from another declaration.
    pub fn body_hash(&self, body_json: &str) -> String {
        self.keyed_hash(b"body\0", body_json)
    }
}

/// Warns when a file holding secrets (the key, the database) can be read by other users.
pub fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{mode:o}"),
                "the data key file can be read by other users: chmod 600 it"
            );
        }
    }
}

/// Where the data key of a SQLite database is kept when none is given: beside the file,
/// `<database>.key`.
pub fn default_key_path(database_file: &Path) -> PathBuf {
    let mut name = database_file.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Where the data key comes from, for the log line at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `--data-key-file` (or `XIANGQIN_DATA_KEY_FILE`).
    Given(PathBuf),
    /// The default beside the SQLite file, made now (first start).
    Created(PathBuf),
    /// The default beside the SQLite file, made on an earlier start.
    Beside(PathBuf),
    /// An in-memory database: a key for this process only.
    Ephemeral,
}

/// The data key for the database at `database_url`: the file given, else (SQLite only) the
/// default `<database>.key` beside the database file, created on first start. `stored_check`
/// is the check value the database already keeps (`None` for a database that holds nothing
/// sealed yet): a database that has one never gets a new default key made for it — its data
/// would be unreadable — and PostgreSQL, where several endpoints share the data, always needs
/// the key given.
pub fn load(
    given: Option<&Path>,
    database_url: &str,
    stored_check: Option<&str>,
) -> Result<(DataKey, KeySource), String> {
    if let Some(path) = given {
        return Ok((DataKey::read(path)?, KeySource::Given(path.to_path_buf())));
    }
    if crate::db::Backend::of(database_url) == crate::db::Backend::Postgres {
        return Err(
            "with PostgreSQL the data key must be given (--data-key-file or \
                    XIANGQIN_DATA_KEY_FILE, 64 hex characters, e.g. from `openssl rand -hex 32`): \
                    every endpoint sharing the database needs the same key"
                .into(),
        );
    }
    let Some(file) = crate::db::sqlite_file(database_url) else {
        return Ok((DataKey::generate(), KeySource::Ephemeral));
    };
    let path = default_key_path(&file);
    if path.exists() {
        return Ok((DataKey::read(&path)?, KeySource::Beside(path)));
    }
    if let Some(check) = stored_check {
        let id = check.split(':').next().unwrap_or_default();
        return Err(format!(
            "the database {} is encrypted with data key {id}, but its key file {} is missing: \
             give it with --data-key-file (without it the names, ID numbers and phone numbers \
             stored cannot be read)",
            file.display(),
            path.display()
        ));
    }
    let key = DataKey::generate();
    key.write_new(&path)?;
    Ok((key, KeySource::Created(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_field_and_receipt() {
        let key = DataKey::generate();
        let sealed = key.seal(Field::ApplicantName, "XQ-AAAA-BBBB", "张三");
        assert!(sealed.starts_with(&format!("xq1:{}:", key.id())));
        assert!(!sealed.contains("张三"));
        assert_eq!(
            key.open(Field::ApplicantName, "XQ-AAAA-BBBB", &sealed),
            Ok("张三".into())
        );
        assert_eq!(
            key.open(Field::Phone, "XQ-AAAA-BBBB", &sealed),
            Err(OpenError::Damaged),
            "another field"
        );
        assert_eq!(
            key.open(Field::ApplicantName, "XQ-AAAA-CCCC", &sealed),
            Err(OpenError::Damaged),
            "another declaration"
        );
        let other = DataKey::generate();
        assert!(matches!(
            other.open(Field::ApplicantName, "XQ-AAAA-BBBB", &sealed),
            Err(OpenError::OtherKey { .. })
        ));
        assert_eq!(
            key.open(Field::ApplicantName, "XQ-AAAA-BBBB", "张三"),
            Err(OpenError::NotSealed)
        );
        // One changed character of the ciphertext.
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            key.open(
                Field::ApplicantName,
                "XQ-AAAA-BBBB",
                &String::from_utf8(altered).unwrap()
            ),
            Err(OpenError::Damaged)
        );
    }

    #[test]
    fn every_seal_has_its_own_nonce() {
        let key = DataKey::generate();
        let a = key.seal(Field::Phone, "XQ-AAAA-BBBB", "13912345678");
        let b = key.seal(Field::Phone, "XQ-AAAA-BBBB", "13912345678");
        assert_ne!(a, b, "the same phone number twice looks different");
    }

    #[test]
    fn the_key_file_round_trips_and_bad_files_are_refused() {
        let key = DataKey::generate();
        let back = DataKey::parse(&key.file_text()).unwrap();
        assert_eq!(back.id(), key.id());
        assert_eq!(back.check_value(), key.check_value());
        let hex_only = hex::encode([7u8; 32]);
        assert!(
            DataKey::parse(&format!("{hex_only}\n")).is_ok(),
            "openssl rand -hex 32"
        );
        assert!(DataKey::parse("abc").is_err());
        assert!(
            DataKey::parse(&hex::encode([7u8; 16])).is_err(),
            "too short"
        );
        assert!(DataKey::parse("").is_err());
        assert!(!key.check_value().contains(&hex::encode(key.master)));
    }

    #[test]
    fn a_new_key_file_is_private_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.key");
        let key = DataKey::generate();
        key.write_new(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(DataKey::read(&path).unwrap().id(), key.id());
        assert!(DataKey::generate().write_new(&path).is_err());
        assert_eq!(DataKey::read(&path).unwrap().id(), key.id());
    }

    #[test]
    fn keyed_hashes_depend_on_the_key() {
        let (a, b) = (DataKey::generate(), DataKey::generate());
        let id = "11010519491231002X";
        assert_eq!(a.id_number_hash(id), a.id_number_hash(id));
        assert_ne!(a.id_number_hash(id), b.id_number_hash(id));
        assert_ne!(a.id_number_hash(id), a.body_hash(id), "one label per use");
        assert!(!a.id_number_hash(id).contains(id));
        assert_eq!(
            default_key_path(Path::new("data/x.db")),
            PathBuf::from("data/x.db.key")
        );
    }
}
