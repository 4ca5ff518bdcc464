//! A real SMTP server for the notification tests: Python's aiosmtpd
//! (Debian's python3-aiosmtpd, installed by scripts/test) running
//! `tests/it/fixtures/smtp_server.py`, which stores each message it accepts
//! as JSON and refuses recipients named `refused…` with a 550.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static SERVERS: AtomicUsize = AtomicUsize::new(0);

/// One message as the server received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Mail {
    pub rcpt_tos: Vec<String>,
    pub headers: BTreeMap<String, String>,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// A header by name, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn subject(&self) -> &str {
        self.header("Subject").unwrap_or_default()
    }

    /// The single recipient (the app sends one message per person).
    pub fn to(&self) -> &str {
        assert_eq!(self.rcpt_tos.len(), 1, "{:?}", self.rcpt_tos);
        &self.rcpt_tos[0]
    }
}

pub struct SmtpServer {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::start_on(free_port(), 0.0)
    }

    /// A server on `port`, each DATA taking `delay` seconds.
    pub fn start_on(port: u16, delay: f64) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "sd-smtp-{}-{}",
            std::process::id(),
            SERVERS.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("smtp output dir");
        let mut server = Self {
            port,
            dir,
            child: None,
        };
        server.restart(delay);
        server
    }

    /// Starts the server process (again) on the same port and directory.
    pub fn restart(&mut self, delay: f64) {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/fixtures/smtp_server.py"
        );
        // Debian's interpreter, which has Debian's python3-aiosmtpd (a
        // python3 of pyenv or a virtualenv earlier on PATH may not).
        let python = ["/usr/bin/python3", "python3"]
            .into_iter()
            .find(|p| !p.starts_with('/') || std::path::Path::new(p).exists())
            .unwrap_or("python3");
        let mut child = Command::new(python)
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.dir)
            .arg(delay.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("smtp server output");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        self.child = Some(child);
    }

    /// Stops the server: the port answers nothing until [`restart`](Self::restart).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Mail> {
        let mut mails = Vec::new();
        for entry in std::fs::read_dir(&self.dir)
            .expect("smtp output dir")
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let raw = std::fs::read_to_string(&path).expect("a stored message");
                mails.push(serde_json::from_str(&raw).expect("a stored message's JSON"));
            }
        }
        mails
    }

    /// Waits until at least `n` messages arrived (panics after `within`),
    /// then a moment more so that a message too many would show.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.messages();
            if got.len() >= n {
                tokio::time::sleep(Duration::from_millis(400)).await;
                return self.messages();
            }
            assert!(
                Instant::now() < deadline,
                "waited for {n} messages, got {}: {:#?}",
                got.len(),
                got.iter()
                    .map(|m| (m.rcpt_tos.clone(), m.subject().to_owned()))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Forgets the messages received so far.
    pub fn clear(&self) {
        for entry in std::fs::read_dir(&self.dir)
            .expect("smtp output dir")
            .flatten()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
