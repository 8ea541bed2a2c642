//! Reading input files within a size bound, whatever they are.
//!
//! The size a file system reports is only a hint: it is 0 for a device such
//! as `/dev/zero`, a pipe, `/dev/stdin` or a process substitution, and a file
//! may grow while it is read. Every read here stops at the bound plus one
//! byte ([`Read::take`]), so that an endless input ends with
//! [`ReadError::TooLarge`] instead of exhausting memory, and a pipe is read
//! exactly once, from its first byte.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

/// Why an input could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The file could not be opened or read.
    Io(io::Error),
    /// The input holds more than the bound; `size` is its length when the
    /// file system gave one up front.
    TooLarge {
        /// The reported length, for a regular file.
        size: Option<u64>,
    },
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Pieces a pipe is read in: a bounded read never asks for more at once.
const CHUNK: usize = 1 << 16;

/// Reads the file at `path` (a regular file, a device, a pipe) whole, into
/// one shared buffer, failing once it holds more than `limit` bytes.
///
/// A regular file is read straight into a buffer of its reported size, which
/// [`crate::source::shared_str`] turns into text without copying.
pub(crate) fn read_path(path: &Path, limit: usize) -> Result<Arc<[u8]>, ReadError> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    let hint = if meta.is_file() { meta.len() } else { 0 };
    if hint > limit as u64 {
        return Err(ReadError::TooLarge { size: Some(hint) });
    }
    // `hint` is at most `limit`, a `usize`.
    let hint = usize::try_from(hint).unwrap_or(0);
    if hint >= READ_IN_HALVES_FROM {
        if let Some(bytes) = read_in_halves(&file, hint)? {
            return Ok(bytes);
        }
    }
    read_from(file, hint, limit)
}

/// Files from this size on are read by two threads at once, each into its
/// half of the buffer: most of a large read is the kernel's work of giving
/// the new buffer its pages, which then happens on two cores (at 200 MB the
/// read takes 75–100 ms instead of 150–210 ms).
const READ_IN_HALVES_FROM: usize = 4 << 20;

/// Reads a regular file of `len` bytes as two halves at once, by position
/// (the file's cursor stays at its start). `None` when the file is not `len`
/// bytes long after all (it shrank or grew), or no thread could be started:
/// the caller then reads it from the start as a stream.
fn read_in_halves(file: &File, len: usize) -> io::Result<Option<Arc<[u8]>>> {
    let mut buf = zeroed(len);
    let Some(bytes) = Arc::get_mut(&mut buf) else {
        return Ok(None);
    };
    let (front, back) = bytes.split_at_mut(len / 2);
    let back_at = front.len() as u64;
    let (front_read, back_read) = std::thread::scope(|scope| {
        let back_read = std::thread::Builder::new()
            .name("eligo-read".into())
            .spawn_scoped(scope, || file.read_exact_at(back, back_at));
        let front_read = file.read_exact_at(front, 0);
        let back_read = back_read.ok().and_then(|reading| reading.join().ok());
        (front_read, back_read)
    });
    for read in [Some(front_read), back_read] {
        match read {
            Some(Ok(())) => {}
            Some(Err(e)) if e.kind() != io::ErrorKind::UnexpectedEof => return Err(e),
            _ => return Ok(None),
        }
    }
    // A byte past the reported end: the file grew while it was read.
    let mut probe = [0u8; 1];
    loop {
        match file.read_at(&mut probe, len as u64) {
            Ok(0) => return Ok(Some(buf)),
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// A buffer of `len` zero bytes, from the allocator's `calloc`. Memory the
/// system hands over is zero already, so for a large buffer (a scenario, the
/// text [`crate::source::concat_shared`] joins) no pass writes the zeros, and
/// its pages are first touched by what fills it, on the threads that do.
/// Memory freed earlier and taken again is cleared by `calloc`: an import
/// reads each customer folder's file into what the last one freed (see
/// `import::files`), which callgrind counts as 2% of a 10k import's
/// instructions (BENCHMARKS.md, "Stop 27").
pub(crate) fn zeroed(len: usize) -> Arc<[u8]> {
    let zeros = Arc::<[u8]>::new_zeroed_slice(len);
    // SAFETY: every byte is zero, and zero is a valid `u8`.
    #[allow(unsafe_code)]
    unsafe {
        zeros.assume_init()
    }
}

/// Reads standard input whole, failing once it holds more than `limit` bytes.
pub(crate) fn read_stdin(limit: usize) -> Result<Arc<[u8]>, ReadError> {
    read_from(io::stdin().lock(), 0, limit)
}

/// Reads `reader` whole: first `hint` bytes straight into the final buffer
/// (the usual case of a regular file that does not change), then the rest,
/// if any, in chunks; never more than `limit + 1` bytes in all.
pub(crate) fn read_from(
    reader: impl Read,
    hint: usize,
    limit: usize,
) -> Result<Arc<[u8]>, ReadError> {
    read_to(reader, hint, limit, End::Probed)
}

/// Reads a regular file whose status gave `size` bytes: as [`read_from`]
/// with that hint, but a file that holds `size` bytes is taken to end
/// there, without a read that finds its end. Reading a file of a few
/// kilobytes is then one read instead of two: an export is tens of thousands
/// of them. A file that grows meanwhile is read as it was when its size was
/// taken (as if read a moment earlier); one that turns out shorter, or says
/// it is empty (as some virtual file systems' files do), is read to its end.
pub(crate) fn read_regular(
    reader: impl Read,
    size: usize,
    limit: usize,
) -> Result<Arc<[u8]>, ReadError> {
    let end = if size == 0 || size > limit {
        End::Probed
    } else {
        End::AtSize
    };
    read_to(reader, size, limit, end)
}

/// Where a read takes its input to end once `hint` bytes are read.
#[derive(PartialEq)]
enum End {
    /// Where a further read finds nothing.
    Probed,
    /// At `hint` bytes.
    AtSize,
}

fn read_to(reader: impl Read, hint: usize, limit: usize, end: End) -> Result<Arc<[u8]>, ReadError> {
    let mut reader = reader.take(limit as u64 + 1);
    let mut buf = zeroed(hint.min(limit));
    let filled = match Arc::get_mut(&mut buf) {
        Some(slice) => fill(&mut reader, slice)?,
        None => 0,
    };
    if filled == buf.len() && end == End::AtSize {
        return Ok(buf);
    }
    let mut probe = [0u8; 1];
    if filled == buf.len() && read_some(&mut reader, &mut probe)? == 0 {
        return Ok(buf);
    }
    // The file is not what its size said (a pipe, a device, a file that
    // grew or shrank): keep what was read and go on in chunks.
    let mut chunks: Vec<Vec<u8>> = vec![buf.get(..filled).unwrap_or_default().to_vec()];
    if filled == buf.len() {
        chunks.push(probe.to_vec());
    }
    let mut total: usize = chunks.iter().map(Vec::len).sum();
    loop {
        let mut chunk = vec![0u8; CHUNK];
        let n = fill(&mut reader, &mut chunk)?;
        chunk.truncate(n);
        total += n;
        chunks.push(chunk);
        if total > limit {
            return Err(ReadError::TooLarge { size: None });
        }
        if n < CHUNK {
            break;
        }
    }
    Ok(chunks.concat().into())
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..) {
        if rest.is_empty() {
            break;
        }
        match read_some(reader, rest)? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// One read, retried when interrupted by a signal.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Reads a small text file (a `.eligoignore`, a rule file) within `limit`
/// bytes, as UTF-8; an error says why in words.
pub(crate) fn read_text(path: &Path, limit: usize) -> Result<String, String> {
    let bytes = read_path(path, limit).map_err(|e| describe(&e, limit))?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A read error in words, for messages.
pub(crate) fn describe(e: &ReadError, limit: usize) -> String {
    match e {
        ReadError::Io(e) => e.to_string(),
        ReadError::TooLarge { size: Some(size) } => {
            format!("{size} bytes, more than the limit of {limit} bytes")
        }
        ReadError::TooLarge { size: None } => {
            format!("more than the limit of {limit} bytes")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_everything_within_the_bound() {
        let data = vec![7u8; 3 * CHUNK + 5];
        assert_eq!(&*read_from(&data[..], 0, data.len()).unwrap(), &data[..]);
        assert_eq!(&*read_from(&data[..], 10, data.len()).unwrap(), &data[..]);
        assert_eq!(
            &*read_from(&data[..], data.len(), data.len()).unwrap(),
            &data[..]
        );
        assert_eq!(&*read_from(&b""[..], 0, 0).unwrap(), b"");
    }

    #[test]
    fn stops_one_byte_past_the_bound() {
        let endless = io::repeat(0);
        assert!(matches!(
            read_from(endless, 0, 1000),
            Err(ReadError::TooLarge { size: None })
        ));
        let data = [1u8; 11];
        assert!(read_from(&data[..], 0, 10).is_err());
        assert!(read_from(&data[..], 10, 10).is_err());
    }

    /// A reader that counts the reads made of it.
    struct Counted<'d> {
        data: &'d [u8],
        reads: usize,
    }

    impl Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            self.data.read(buf)
        }
    }

    #[test]
    fn a_regular_file_of_its_size_is_read_in_one_read() {
        let data = vec![3u8; 5000];
        let mut counted = Counted {
            data: &data,
            reads: 0,
        };
        let read = read_regular(&mut counted, data.len(), 1 << 20).unwrap();
        assert_eq!((&*read, counted.reads), (&data[..], 1));
        // `read_from` looks for the end with a second read.
        let mut counted = Counted {
            data: &data,
            reads: 0,
        };
        let read = read_from(&mut counted, data.len(), 1 << 20).unwrap();
        assert_eq!((&*read, counted.reads), (&data[..], 2));
    }

    #[test]
    fn a_regular_file_not_of_its_size_is_read_as_it_is() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        // Grown since its size was taken: read as it was.
        assert_eq!(
            &*read_regular(&data[..], 100, 1 << 20).unwrap(),
            &data[..100]
        );
        // Shrunk: read to its end.
        assert_eq!(&*read_regular(&data[..], 9000, 1 << 20).unwrap(), &data[..]);
        // Said to be empty, as a virtual file system's file may: read to its end.
        assert_eq!(&*read_regular(&data[..], 0, 1 << 20).unwrap(), &data[..]);
        // Said to be over the bound, or over it in fact: an error either way.
        assert!(read_regular(&data[..], 5000, 4999).is_err());
        assert!(read_regular(&data[..], 0, 4999).is_err());
    }

    /// A file of `len` bytes that are not all alike, in a scratch folder.
    fn scratch_file(len: usize) -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.json");
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        (dir, path, data)
    }

    #[test]
    fn a_large_file_is_read_in_halves_whole() {
        for len in [READ_IN_HALVES_FROM, READ_IN_HALVES_FROM + 1] {
            let (_dir, path, data) = scratch_file(len);
            let file = File::open(&path).unwrap();
            let read = read_in_halves(&file, len).unwrap().unwrap();
            assert_eq!(&*read, &data[..]);
            assert_eq!(&*read_path(&path, len).unwrap(), &data[..]);
        }
    }

    #[test]
    fn a_file_not_of_its_reported_length_is_left_to_the_stream() {
        let len = READ_IN_HALVES_FROM;
        let (_dir, path, _) = scratch_file(len);
        let file = File::open(&path).unwrap();
        // It shrank: the back half ends early.
        assert!(read_in_halves(&file, len + 10).unwrap().is_none());
        // It grew: a byte is found past the end.
        assert!(read_in_halves(&file, len - 10).unwrap().is_none());
        // The stream after it starts at the first byte: the cursor was not moved.
        let streamed = read_from(&file, len - 10, len).unwrap();
        assert_eq!(streamed.len(), len);
    }

    #[test]
    fn a_device_ends_with_the_size_error() {
        if Path::new("/dev/zero").exists() {
            let e = read_path(Path::new("/dev/zero"), 1 << 20).unwrap_err();
            assert!(matches!(e, ReadError::TooLarge { size: None }));
        }
    }
}
