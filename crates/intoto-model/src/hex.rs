//! Lowercase hexadecimal encoding and strict decoding.

/// Encodes bytes as lowercase hex.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

/// Why a string is not hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// Odd number of digits.
    #[error("odd number of hex digits ({0})")]
    OddLength(usize),
    /// A character that is not a hex digit.
    #[error("invalid hex character {character:?} at offset {offset}")]
    InvalidCharacter {
        /// The character.
        character: char,
        /// Its byte offset.
        offset: usize,
    },
}

/// Decodes hex (either case) into bytes.
pub fn decode(s: &str) -> Result<Vec<u8>, HexError> {
    if !s.len().is_multiple_of(2) {
        return Err(HexError::OddLength(s.len()));
    }
    let digit = |offset: usize, c: u8| -> Result<u8, HexError> {
        (c as char)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or(HexError::InvalidCharacter {
                character: s[offset..].chars().next().unwrap_or('?'),
                offset,
            })
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out.push(digit(2 * i, pair[0])? << 4 | digit(2 * i + 1, pair[1])?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(encode(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(decode("00ABff").unwrap(), vec![0, 0xab, 0xff]);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(decode("abc").unwrap_err(), HexError::OddLength(3));
        assert!(matches!(
            decode("zz"),
            Err(HexError::InvalidCharacter {
                character: 'z',
                offset: 0
            })
        ));
    }
}
