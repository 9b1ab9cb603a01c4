//! Hashing one file: every requested algorithm in one pass, in big blocks, through a buffer that
//! each worker thread reuses, optionally with the reference's line-ending normalisation.

use std::{
    cell::RefCell,
    io::{self, Read},
    path::Path,
    str::FromStr,
    sync::atomic::{AtomicU64, Ordering},
};

use intoto_model::{Digest, DigestSet};
use sha2::Digest as _;

use crate::{HashError, opener::Opener};

/// Read size: large enough that a big file costs few syscalls, small enough to stay in L2.
const BLOCK: usize = 1 << 20;

/// A hash algorithm a link can record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    /// `sha256`, the reference's only algorithm and our default.
    Sha256,
    /// `sha512`.
    Sha512,
    /// `blake3` (256-bit output), the name the in-toto Attestation Framework uses.
    Blake3,
}

impl Algorithm {
    /// The name recorded in digest sets.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
            Algorithm::Blake3 => "blake3",
        }
    }
}

impl FromStr for Algorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sha256" => Ok(Algorithm::Sha256),
            "sha512" => Ok(Algorithm::Sha512),
            "blake3" => Ok(Algorithm::Blake3),
            _ => Err(format!(
                "unknown hash algorithm {s:?} (expected sha256, sha512 or blake3)"
            )),
        }
    }
}

enum Hasher {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
    Blake3(Box<blake3::Hasher>),
}

impl Hasher {
    fn new(alg: Algorithm) -> Self {
        match alg {
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
            Algorithm::Blake3 => Hasher::Blake3(Box::new(blake3::Hasher::new())),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
            Hasher::Blake3(h) => {
                h.update(data);
            }
        }
    }

    fn finish(self) -> Digest {
        match self {
            Hasher::Sha256(h) => Digest::from_bytes(&h.finalize()),
            Hasher::Sha512(h) => Digest::from_bytes(&h.finalize()),
            Hasher::Blake3(h) => Digest::from_bytes(h.finalize().as_bytes()),
        }
    }
}

/// Streaming CRLF/CR -> LF, equal to the reference's
/// `data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")` over the whole file.
#[derive(Default)]
struct LineEndings {
    pending_cr: bool,
}

impl LineEndings {
    fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.clear();
        for &b in input {
            if self.pending_cr {
                self.pending_cr = false;
                out.push(b'\n');
                if b == b'\n' {
                    continue;
                }
            }
            if b == b'\r' {
                self.pending_cr = true;
            } else {
                out.push(b);
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        out.clear();
        if std::mem::take(&mut self.pending_cr) {
            out.push(b'\n');
        }
    }
}

thread_local! {
    /// Each rayon worker keeps one read buffer (and one conversion buffer) for all its files.
    static BUFFERS: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Opens `path` for reading; on Unix with `O_NONBLOCK`, so that a file replaced by a fifo
/// after the walk saw it cannot block us.
/// Hashes the regular file at `fs_path` (named `name` in errors) with every algorithm in
/// `algorithms`. Returns the digests and the number of bytes read.
pub fn hash_file(
    fs_path: &Path,
    name: &str,
    algorithms: &[Algorithm],
    normalize_line_endings: bool,
    bytes_read: Option<&AtomicU64>,
) -> Result<(DigestSet, u64), HashError> {
    let mut opener = Opener::default();
    hash_with(
        &mut opener,
        fs_path,
        name,
        algorithms,
        normalize_line_endings,
        bytes_read,
    )
}

/// [`hash_file`] opening the file through `opener` (relative to a cached directory).
pub(crate) fn hash_with(
    opener: &mut Opener,
    fs_path: &Path,
    name: &str,
    algorithms: &[Algorithm],
    normalize_line_endings: bool,
    bytes_read: Option<&AtomicU64>,
) -> Result<(DigestSet, u64), HashError> {
    let read_err = |source| HashError::Read {
        path: name.to_string(),
        source,
    };
    // No fstat: the walk already saw a regular file (or stat'ed the symlink's target). Should
    // the file have been swapped for a fifo since, O_NONBLOCK keeps the open and the reads from
    // blocking. Skipping fstat saves one syscall per file, a quarter of the per-file syscalls.
    let mut file = opener.open(fs_path).map_err(read_err)?;
    let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| Hasher::new(*a)).collect();
    let mut total = 0u64;
    BUFFERS.with(|cell| -> Result<(), HashError> {
        let mut guard = cell.borrow_mut();
        let (buf, converted) = &mut *guard;
        if buf.len() < BLOCK {
            buf.resize(BLOCK, 0);
        }
        let mut newlines = normalize_line_endings.then(LineEndings::default);
        loop {
            let n = match file.read(buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(read_err(e)),
            };
            total += n as u64;
            // Per block, so a progress display moves while one big file is hashed.
            if let Some(counter) = bytes_read {
                counter.fetch_add(n as u64, Ordering::Relaxed);
            }
            let data = match &mut newlines {
                Some(conv) => {
                    conv.convert(&buf[..n], converted);
                    &converted[..]
                }
                None => &buf[..n],
            };
            hashers.iter_mut().for_each(|h| h.update(data));
        }
        if let Some(conv) = &mut newlines {
            conv.finish(converted);
            hashers.iter_mut().for_each(|h| h.update(converted));
        }
        Ok(())
    })?;
    let mut set = DigestSet::new();
    for (alg, hasher) in algorithms.iter().zip(hashers) {
        set.insert(alg.name(), hasher.finish())
            .map_err(|e| HashError::InvalidName {
                path: name.to_string(),
                reason: e.to_string(),
            })?;
    }
    Ok((set, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalise(chunks: &[&[u8]]) -> Vec<u8> {
        let mut conv = LineEndings::default();
        let mut out = Vec::new();
        let mut all = Vec::new();
        for c in chunks {
            conv.convert(c, &mut out);
            all.extend_from_slice(&out);
        }
        conv.finish(&mut out);
        all.extend_from_slice(&out);
        all
    }

    #[test]
    fn line_endings_across_chunk_boundaries() {
        assert_eq!(normalise(&[b"a\r", b"\nb\r\r\nc\r"]), b"a\nb\n\nc\n");
        assert_eq!(normalise(&[b"\r\n\r\n"]), b"\n\n");
        assert_eq!(normalise(&[b"no newline"]), b"no newline");
    }

    #[test]
    fn known_digests() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"abc").unwrap();
        let all = [Algorithm::Sha256, Algorithm::Sha512, Algorithm::Blake3];
        let (set, n) = hash_file(&p, "f", &all, false, None).unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            set.get("sha256").unwrap().as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(
            set.get("sha512")
                .unwrap()
                .as_str()
                .starts_with("ddaf35a193617aba")
        );
        assert_eq!(
            set.get("blake3").unwrap().as_str(),
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
        );
    }

    #[test]
    fn a_large_file_is_read_in_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        let data = vec![7u8; BLOCK * 2 + 5];
        std::fs::write(&p, &data).unwrap();
        let counter = AtomicU64::new(10);
        let (set, n) = hash_file(&p, "big", &[Algorithm::Sha256], false, Some(&counter)).unwrap();
        assert_eq!(n, data.len() as u64);
        // The progress counter grew by every byte read.
        assert_eq!(counter.load(Ordering::Relaxed), 10 + data.len() as u64);
        let expected = Digest::from_bytes(&sha2::Sha256::digest(&data));
        assert_eq!(set.get("sha256"), Some(&expected));
    }

    #[test]
    fn unknown_algorithm_is_refused() {
        assert!("md5".parse::<Algorithm>().is_err());
        assert_eq!("blake3".parse::<Algorithm>(), Ok(Algorithm::Blake3));
    }
}
