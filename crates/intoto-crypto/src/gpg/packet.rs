//! RFC 4880 framing: packet headers (§4.2), signature subpackets (§5.2.3.1) and
//! multiprecision integers (§3.2), read the way securesystemslib reads them. Every read is
//! bounds-checked: truncated or inconsistent input is an error, never a panic.

use crate::CryptoError;

/// Packet tags (RFC 4880 §4.3) that key bundles and signatures use.
pub(crate) const TAG_SIGNATURE: u8 = 0x02;
pub(crate) const TAG_PUBLIC_KEY: u8 = 0x06;
pub(crate) const TAG_USER_ID: u8 = 0x0d;
pub(crate) const TAG_PUBLIC_SUBKEY: u8 = 0x0e;
pub(crate) const TAG_USER_ATTRIBUTE: u8 = 0x11;

/// A packet inside a larger buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Packet<'a> {
    /// The packet tag.
    pub tag: u8,
    /// Header and body, as found.
    pub raw: &'a [u8],
    /// The body only.
    pub body: &'a [u8],
}

pub(crate) fn malformed(reason: impl Into<String>) -> CryptoError {
    CryptoError::GpgPacket {
        reason: reason.into(),
    }
}

/// Reads the packet at the start of `data`. Partial body lengths (new format) and
/// indeterminate lengths (old format) are refused, as in the reference.
pub(crate) fn read_packet(data: &[u8]) -> Result<Packet<'_>, CryptoError> {
    let mut r = Reader::new(data);
    let first = r.u8()?;
    if first & 0x80 == 0 {
        return Err(malformed(format!(
            "packet header octet {first:#04x} does not have bit 7 set"
        )));
    }
    let (tag, body_len) = if first & 0x40 != 0 {
        let tag = first & 0x3f;
        let len = match r.u8()? {
            n @ 0..=191 => usize::from(n),
            n @ 192..=223 => (usize::from(n - 192) << 8) + usize::from(r.u8()?) + 192,
            255 => r.u32()? as usize,
            _ => return Err(malformed("partial body lengths are not supported")),
        };
        (tag, len)
    } else {
        let tag = (first & 0x3c) >> 2;
        let len = match first & 0x03 {
            0 => usize::from(r.u8()?),
            1 => usize::from(r.u16()?),
            2 => r.u32()? as usize,
            _ => return Err(malformed("indeterminate packet lengths are not supported")),
        };
        (tag, len)
    };
    let header_len = r.pos;
    let body = r.take(body_len).map_err(|_| {
        malformed(format!(
            "packet of type {tag} announces {body_len} body octets, {} are left",
            data.len() - header_len
        ))
    })?;
    Ok(Packet {
        tag,
        raw: &data[..header_len + body_len],
        body,
    })
}

/// Splits `data` into consecutive packets.
pub(crate) fn read_packets(data: &[u8]) -> Result<Vec<Packet<'_>>, CryptoError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let packet = read_packet(&data[pos..])
            .map_err(|e| malformed(format!("at offset {pos}: {}", reason_of(e))))?;
        pos += packet.raw.len();
        out.push(packet);
    }
    Ok(out)
}

fn reason_of(e: CryptoError) -> String {
    match e {
        CryptoError::GpgPacket { reason } => reason,
        other => other.to_string(),
    }
}

/// Splits a subpacket area (RFC 4880 §5.2.3.1) into `(type, data)` pairs. The type octet
/// keeps its critical bit, as in the reference.
pub(crate) fn read_subpackets(data: &[u8]) -> Result<Vec<(u8, &[u8])>, CryptoError> {
    let mut out = Vec::new();
    let mut r = Reader::new(data);
    while !r.is_empty() {
        let len = match r.u8()? {
            n @ 0..=191 => usize::from(n),
            n @ 192..=254 => (usize::from(n - 192) << 8) + usize::from(r.u8()?) + 192,
            255 => r.u32()? as usize,
        };
        // The length counts the type octet, so it is at least one.
        if len == 0 {
            return Err(malformed("signature subpacket of length 0"));
        }
        let kind = r.u8()?;
        let body = r
            .take(len - 1)
            .map_err(|_| malformed(format!("signature subpacket {kind} is truncated")))?;
        out.push((kind, body));
    }
    Ok(out)
}

/// A cursor over a byte slice whose reads fail instead of panicking.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], CryptoError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.data.len())
            .ok_or_else(|| malformed("unexpected end of data"))?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, CryptoError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, CryptoError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, CryptoError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A multiprecision integer: a two-octet bit count, then the octets. As in the
    /// reference, the octet count is `(bits - 1) / 8 + 1` (so a zero bit count still
    /// takes one octet).
    pub(crate) fn mpi(&mut self, what: &str) -> Result<&'a [u8], CryptoError> {
        let bits = usize::from(self.u16()?);
        let len = bits.saturating_sub(1) / 8 + 1;
        self.take(len)
            .map_err(|_| malformed(format!("{what} MPI is truncated")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_formats() {
        // Old format, tag 2, one-octet length.
        let p = read_packet(&[0x88, 0x01, 0xaa]).unwrap();
        assert_eq!((p.tag, p.body), (2, &[0xaa][..]));
        // Old format, tag 6, two-octet length.
        let p = read_packet(&[0x99, 0x00, 0x01, 0xbb, 0xcc]).unwrap();
        assert_eq!((p.tag, p.body, p.raw.len()), (6, &[0xbb][..], 4));
        // New format, tag 2, two-octet length 192.
        let mut data = vec![0xc2, 0xc0, 0x00];
        data.extend([7u8; 192]);
        let p = read_packet(&data).unwrap();
        assert_eq!((p.tag, p.body.len()), (2, 192));
        // New format, five-octet length.
        let p = read_packet(&[0xc2, 0xff, 0, 0, 0, 1, 9]).unwrap();
        assert_eq!(p.body, &[9]);
    }

    #[test]
    fn bad_headers_are_errors() {
        for data in [
            &[][..],
            &[0x00, 0x01],
            &[0x8b, 0x00],
            &[0xc2, 0xe0, 0x00],
            &[0x88, 0x05, 0x00],
            &[0xc2, 0xff, 0xff, 0xff, 0xff, 0xff],
        ] {
            assert!(
                matches!(read_packet(data), Err(CryptoError::GpgPacket { .. })),
                "{data:?}"
            );
        }
    }

    #[test]
    fn subpackets_and_mpis() {
        let subs = read_subpackets(&[2, 0x10, 0xaa, 1, 0x1b]).unwrap();
        assert_eq!(subs, vec![(0x10, &[0xaa][..]), (0x1b, &[][..])]);
        assert!(read_subpackets(&[0]).is_err());
        assert!(read_subpackets(&[5, 1]).is_err());
        assert!(read_subpackets(&[0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
        let mut r = Reader::new(&[0x00, 0x09, 0x01, 0xff, 0x00, 0x00, 0x42]);
        assert_eq!(r.mpi("x").unwrap(), &[0x01, 0xff]);
        assert_eq!(r.mpi("y").unwrap(), &[0x42]);
        assert!(r.mpi("z").is_err());
    }
}
