//! Reading the files a run names or finds, bounded in time and memory whatever they are: a FIFO
//! would block forever, `/dev/zero` never ends, a sparse file can claim any size.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, a device, a socket: nothing to read a file's worth of text from.
    NotAFile,
    /// Over the limit; the size is what the file system claims or what was read.
    TooLarge(u64),
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAFile => formatter.write_str("not a regular file"),
            Self::TooLarge(bytes) => formatter.write_str(&crate::detector::too_large(*bytes)),
            Self::Io(error) => write!(formatter, "cannot read: {error}"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        Self::Io(error)
    }
}

/// The bytes of the regular file at `path`, if it holds at most `limit`. Its type and size are
/// checked before it is opened (opening a FIFO blocks until someone writes to it), and at most
/// `limit + 1` bytes are read in case it grew since.
pub fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(ReadError::NotAFile);
    }
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    if metadata.len() > limit {
        return Err(ReadError::TooLarge(metadata.len()));
    }
    let file = File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0) + 1);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(ReadError::TooLarge(read));
    }
    Ok(bytes)
}
