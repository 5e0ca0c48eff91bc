//! The byte pipes to a printer: TCP, serial port, device file. Written here
//! rather than with escpos' drivers because those take no connect timeout for a
//! host name, fold every failure into a string and cannot bound a status read.
//! Every read and write here ends by a deadline.

use std::fs::File;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, SerialPort};

/// Bytes read and thrown away before a status query; stale replies or
/// automatic status bytes never amount to more.
const DRAIN_MAX_BYTES: usize = 4096;

/// Why a transfer stopped.
#[derive(Debug)]
pub(crate) enum LinkError {
    /// The deadline passed.
    TimedOut,
    /// The other side closed the connection.
    Closed,
    Io(io::Error),
}

impl From<io::Error> for LinkError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => LinkError::TimedOut,
            _ => LinkError::Io(e),
        }
    }
}

/// An open connection to a printer.
pub(crate) enum Link {
    Tcp(TcpStream),
    Serial(Box<dyn SerialPort>),
    File(File),
}

/// Time left until `deadline`; `TimedOut` once none is.
fn remaining(deadline: Instant) -> Result<Duration, LinkError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(LinkError::TimedOut)
    } else {
        Ok(left)
    }
}

/// Connects to the first address of `host` that answers before `timeout`.
pub(crate) fn connect_tcp(host: &str, port: u16, timeout: Duration) -> Result<Link, LinkError> {
    let deadline = Instant::now() + timeout;
    let mut last = LinkError::Io(io::Error::new(
        ErrorKind::NotFound,
        "the host has no address",
    ));
    for addr in (host, port).to_socket_addrs()? {
        let left = remaining(deadline)?;
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => {
                stream.set_nodelay(true)?;
                return Ok(Link::Tcp(stream));
            }
            Err(e) => last = LinkError::from(e),
        }
    }
    Err(last)
}

/// Opens a serial port at `baud`, 8 data bits, no parity, one stop bit.
pub(crate) fn open_serial(path: &str, baud: u32, timeout: Duration) -> Result<Link, LinkError> {
    let port = serialport::new(path, baud)
        .timeout(timeout)
        .open()
        .map_err(|e| LinkError::Io(io::Error::from(e)))?;
    Ok(Link::Serial(port))
}

/// Opens a device file, for reading too when the device allows it (the status
/// reply comes back that way).
pub(crate) fn open_file(path: &Path) -> Result<Link, LinkError> {
    let read_write = file_options(true).open(path);
    let file = match read_write {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::PermissionDenied => file_options(false).open(path)?,
        Err(e) => return Err(e.into()),
    };
    Ok(Link::File(file))
}

#[cfg(unix)]
fn file_options(read: bool) -> std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.read(read).write(true);
    // Non-blocking, so poll() can bound every transfer.
    options.custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits());
    options
}

#[cfg(not(unix))]
fn file_options(read: bool) -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.read(read).write(true);
    options
}

impl Link {
    /// Writes all of `bytes` before `deadline`.
    pub(crate) fn write_all_by(
        &mut self,
        bytes: &[u8],
        deadline: Instant,
    ) -> Result<(), LinkError> {
        let mut sent = 0;
        while sent < bytes.len() {
            let left = remaining(deadline)?;
            let written = match self {
                Link::Tcp(stream) => {
                    stream.set_write_timeout(Some(left))?;
                    stream.write(&bytes[sent..])
                }
                Link::Serial(port) => {
                    port.set_timeout(left).map_err(io::Error::from)?;
                    port.write(&bytes[sent..])
                }
                Link::File(file) => {
                    wait_ready(file, Direction::Write, left)?;
                    file.write(&bytes[sent..])
                }
            };
            match written {
                Ok(0) => return Err(LinkError::Closed),
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::BrokenPipe => return Err(LinkError::Closed),
                Err(e) => return Err(e.into()),
            }
        }
        match self {
            Link::Tcp(stream) => stream.flush()?,
            Link::Serial(port) => port.flush()?,
            Link::File(_) => {}
        }
        Ok(())
    }

    /// Why this link can never carry a status reply, if it cannot: a device file
    /// that is not a character device (a plain file, a pipe) only takes bytes.
    pub(crate) fn cannot_answer(&self) -> Option<&'static str> {
        let Link::File(file) = self else {
            return None;
        };
        match file.metadata() {
            Ok(meta) if is_char_device(&meta) => None,
            Ok(_) => Some("it is a file, not a printer device"),
            Err(_) => Some("its file type cannot be read"),
        }
    }

    /// Throws away whatever the printer sent before we ask it something.
    pub(crate) fn drain_input(&mut self) -> Result<(), LinkError> {
        let mut buf = [0u8; 256];
        let mut drained = 0;
        match self {
            Link::Serial(port) => {
                port.clear(ClearBuffer::Input).map_err(io::Error::from)?;
            }
            Link::Tcp(stream) => {
                stream.set_nonblocking(true)?;
                let result = drain(stream, &mut buf, &mut drained);
                stream.set_nonblocking(false)?;
                result?;
            }
            Link::File(file) => drain(file, &mut buf, &mut drained)?,
        }
        Ok(())
    }

    /// Reads one byte before `deadline`.
    pub(crate) fn read_byte_by(&mut self, deadline: Instant) -> Result<u8, LinkError> {
        let mut byte = [0u8; 1];
        loop {
            let left = remaining(deadline)?;
            let read = match self {
                Link::Tcp(stream) => {
                    stream.set_read_timeout(Some(left))?;
                    stream.read(&mut byte)
                }
                Link::Serial(port) => {
                    port.set_timeout(left).map_err(io::Error::from)?;
                    port.read(&mut byte)
                }
                Link::File(file) => {
                    wait_ready(file, Direction::Read, left)?;
                    file.read(&mut byte)
                }
            };
            match read {
                Ok(1) => return Ok(byte[0]),
                Ok(_) if matches!(self, Link::Serial(_)) => {}
                Ok(_) => return Err(LinkError::Closed),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Reads a non-blocking source until it has nothing more, up to [`DRAIN_MAX_BYTES`].
fn drain(source: &mut impl Read, buf: &mut [u8], drained: &mut usize) -> Result<(), LinkError> {
    while *drained < DRAIN_MAX_BYTES {
        match source.read(buf) {
            Ok(0) => return Err(LinkError::Closed),
            Ok(n) => *drained += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(LinkError::Io(e)),
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_char_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device()
}

/// Elsewhere a device path is not a plain file.
#[cfg(not(unix))]
fn is_char_device(meta: &std::fs::Metadata) -> bool {
    !meta.is_file()
}

enum Direction {
    Read,
    Write,
}

/// Waits until the device file can be read or written, for at most `timeout`.
#[cfg(unix)]
fn wait_ready(file: &File, direction: Direction, timeout: Duration) -> Result<(), LinkError> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let flags = match direction {
        Direction::Read => PollFlags::POLLIN,
        Direction::Write => PollFlags::POLLOUT,
    };
    let mut fds = [PollFd::new(file.as_fd(), flags)];
    let timeout = PollTimeout::try_from(timeout).unwrap_or(PollTimeout::MAX);
    match poll(&mut fds, timeout) {
        Ok(0) => Err(LinkError::TimedOut),
        Ok(_) => Ok(()),
        Err(nix::errno::Errno::EINTR) => Ok(()),
        Err(errno) => Err(LinkError::Io(io::Error::from(errno))),
    }
}

/// Without poll() a device file is written blocking; the OS driver bounds it.
#[cfg(not(unix))]
fn wait_ready(_file: &File, _direction: Direction, _timeout: Duration) -> Result<(), LinkError> {
    Ok(())
}
