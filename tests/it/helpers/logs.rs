//! Captures the app's log output so tests can check that causes are logged.

use std::io::Write;
use std::sync::Mutex;

use tracing_subscriber::fmt::MakeWriter;

static BUFFER: Mutex<Vec<u8>> = Mutex::new(Vec::new());

#[derive(Clone, Copy)]
struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = BUFFER.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        Capture
    }
}

pub fn install() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("info")
        .with_writer(Capture)
        .with_ansi(false)
        .try_init();
    supportdesk::telemetry::install_panic_hook();
}

/// Everything logged so far.
pub fn captured() -> String {
    BUFFER
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
