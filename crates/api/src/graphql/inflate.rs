//! Inflates a gzip request body as it arrives, refusing it the moment it would grow past the
//! body cap: the decoder writes into a bounded sink, so a small bomb never expands in memory.

use std::io::Write;

use actix_web::web::Bytes;
use flate2::write::GzDecoder;

pub(crate) enum Error {
    TooLarge,
    Corrupt(std::io::Error),
}

/// A sink that refuses to hold more than `limit` bytes.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "over the body cap"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(crate) struct Inflater(GzDecoder<Capped>);

fn classify(err: std::io::Error) -> Error {
    if err.kind() == std::io::ErrorKind::FileTooLarge { Error::TooLarge } else { Error::Corrupt(err) }
}

impl Inflater {
    pub(crate) fn new(limit: usize) -> Inflater {
        Inflater(GzDecoder::new(Capped { bytes: Vec::new(), limit }))
    }

    pub(crate) fn write(&mut self, compressed: &[u8]) -> Result<(), Error> {
        self.0.write_all(compressed).map_err(classify)
    }

    pub(crate) fn finish(self) -> Result<Bytes, Error> {
        self.0.finish().map(|sink| Bytes::from(sink.bytes)).map_err(classify)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).expect("compresses");
        encoder.finish().expect("compresses")
    }

    #[test]
    fn a_body_within_the_cap_inflates_whole() {
        let body = br#"{"query":"{ publication { name } }"}"#;
        let mut inflater = Inflater::new(1024);
        for chunk in gzip(body).chunks(7) {
            assert!(inflater.write(chunk).is_ok());
        }
        assert!(matches!(inflater.finish(), Ok(bytes) if bytes.as_ref() == body));
    }

    #[test]
    fn a_bomb_is_refused_without_being_expanded() {
        let bomb = gzip(&vec![0u8; 64 * 1024 * 1024]);
        assert!(bomb.len() < 100 * 1024, "64 MiB of zeros compress to {} bytes", bomb.len());
        let mut inflater = Inflater::new(256 * 1024);
        let refused = bomb.chunks(16 * 1024).map(|chunk| inflater.write(chunk)).find_map(Result::err);
        assert!(matches!(refused, Some(Error::TooLarge)));
    }

    #[test]
    fn garbage_is_corrupt_not_too_large() {
        let mut inflater = Inflater::new(1024);
        let outcome = inflater.write(b"not gzip at all").and_then(|()| inflater.finish().map(|_| ()));
        assert!(matches!(outcome, Err(Error::Corrupt(_))));
    }
}
