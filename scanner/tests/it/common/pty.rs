//! A scanner played through a real pseudo-terminal. The reader opens a symlink to the
//! pty's slave, as installers use `/dev/serial/by-id/...` links; unplugging removes the
//! link and hangs up the line, replugging makes a new pty and points the link at it.

use nix::pty::openpty;
use nix::sys::termios::{SetArg, cfmakeraw, tcgetattr, tcsetattr};
use std::fs::File;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::PathBuf;

pub struct FakeScanner {
    _dir: tempfile::TempDir,
    link: PathBuf,
    master: Option<File>,
    /// Kept open so the line settings and written bytes stay while no reader has it open.
    slave: Option<OwnedFd>,
}

impl FakeScanner {
    /// A port path with nothing plugged in yet.
    pub fn unplugged() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let link = dir.path().join("ttyScanner0");
        FakeScanner {
            _dir: dir,
            link,
            master: None,
            slave: None,
        }
    }

    pub fn plugged_in() -> Self {
        let mut scanner = Self::unplugged();
        scanner.plug_in();
        scanner
    }

    /// The path the reader opens.
    pub fn port(&self) -> String {
        self.link.to_str().expect("utf-8 temp path").to_string()
    }

    /// A new pty, raw (no echo, no CR/LF translation), linked at [`FakeScanner::port`].
    pub fn plug_in(&mut self) {
        let pty = openpty(None, None).expect("openpty");
        let mut termios = tcgetattr(&pty.slave).expect("tcgetattr");
        cfmakeraw(&mut termios);
        tcsetattr(&pty.slave, SetArg::TCSANOW, &termios).expect("tcsetattr");
        let path = nix::unistd::ttyname(&pty.slave).expect("ttyname");
        let _ = std::fs::remove_file(&self.link);
        std::os::unix::fs::symlink(&path, &self.link).expect("symlink");
        self.master = Some(File::from(pty.master));
        self.slave = Some(pty.slave);
    }

    /// The scanner sends bytes, all in one write.
    pub fn send(&mut self, bytes: &[u8]) {
        let master = self.master.as_mut().expect("scanner is plugged in");
        master.write_all(bytes).expect("write to pty master");
        master.flush().expect("flush pty master");
    }

    /// Unplugs: the link goes first (so no retry can open a reused pty number), then
    /// the master closes, which hangs up the line for the reader.
    pub fn hang_up(&mut self) {
        std::fs::remove_file(&self.link).expect("remove link");
        self.slave = None;
        self.master = None;
    }
}
