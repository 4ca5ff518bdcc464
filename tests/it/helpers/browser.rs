//! A real headless Chromium for tests: one chromedriver per test on a free
//! port, a fresh Chromium profile in a temporary directory, and a WebDriver
//! client with a few helpers. Dropping the `Browser` (also when a test
//! panics) ends the session, kills chromedriver and any Chromium left, and
//! removes the temporary directory.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use super::DEMO_PASSWORD;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WAIT: Duration = Duration::from_secs(10);

/// Without the networking flags Chromium tries to reach the internet (and
/// fails slowly); without `--no-sandbox` it refuses to run as root.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    // Large enough that screenshots show the desktop layout.
    "--window-size=1280,900",
];

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub struct Browser {
    client: Client,
    driver: Driver,
}

/// chromedriver, its session and the temporary directory (Chromium profile,
/// chromedriver log). Dropping it cleans up synchronously, because a test
/// that panics never reaches `close().await`, and fantoccini's own
/// close-on-drop is only spawned on a runtime that is shutting down.
struct Driver {
    child: Child,
    port: u16,
    session: Option<String>,
    dir: PathBuf,
}

impl Browser {
    /// Starts chromedriver and opens a Chromium session; panics with the
    /// install command when Chromium or chromedriver is missing.
    pub async fn start() -> Self {
        for binary in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(binary).exists(),
                "{binary} not found: the browser tests need Chromium and chromedriver \
                 (`apt-get install chromium chromium-driver`; scripts/test installs them)"
            );
        }
        let dir = std::env::temp_dir().join(format!(
            "sd-browser-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let profile = dir.join("profile");
        std::fs::create_dir_all(&profile).expect("create browser temp dir");
        let log = dir.join("chromedriver.log");

        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut driver = Driver {
            child,
            port,
            session: None,
            dir,
        };
        wait_for_port(port, &log).await;

        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "chrome".into());
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": CHROMIUM, "args": args }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("new Chromium session: {e}\n{}", tail(&log)));
        driver.session = client.session_id().await.expect("session id");
        Self { client, driver }
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
    }

    /// Replaces the value of a form field, typing it as a user would.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear field");
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Clicks the element `css` finds. A part of the page that the script
    /// swapped between the find and the click (the suggestions refresh
    /// while typing settles) is found again, as a person would click again.
    pub async fn click(&self, css: &str) {
        for _ in 0..5 {
            match self.find(css).await.click().await {
                Err(e) if e.to_string().contains("stale element") => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                outcome => return outcome.unwrap_or_else(|e| panic!("click {css}: {e}")),
            }
        }
        panic!("click {css}: the element was replaced five times in a row");
    }

    /// Chooses an option of a select by its value (fires `change`).
    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Runs a script in the page and returns its result.
    pub async fn execute(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script {script}: {e}"))
    }

    /// Runs axe-core (WCAG 2.1 A/AA rules) on the current page and returns
    /// the violations as "rule: help (n nodes)" lines.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/node_modules/axe-core/axe.min.js"
        );
        let axe = std::fs::read_to_string(path)
            .unwrap_or_else(|_| panic!("{path} missing: run `npm ci` (scripts/test does)"));
        self.execute(&format!("{axe}\nreturn true;")).await;
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                    .then(r => done(r.passes.length === 0 ? ['axe ran no rules'] : r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ' nodes: ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ') + ')')))
                    .catch(e => done(['axe failed: ' + e]));",
                Vec::new(),
            )
            .await
            .expect("run axe");
        serde_json::from_value(result.clone())
            .unwrap_or_else(|_| panic!("axe gave no list of violations: {result}"))
    }

    /// The current page as the server answers it (status and body, before
    /// any script ran): fetched again from inside the page, with its cookies.
    pub async fn fetch_current(&self) -> (u16, String) {
        self.fetched(
            "const done = arguments[arguments.length - 1];
             fetch(location.href, { credentials: 'same-origin' })
                .then(r => r.text().then(t => done([r.status, t])))
                .catch(e => done([0, 'fetch failed: ' + e]));",
        )
        .await
    }

    /// Submits the form `css` as its button `name=value` would (no name: a
    /// button without one), with fetch,
    /// and returns the answer's status and body (the page stays as it is).
    pub async fn submit_with_fetch(&self, css: &str, name: &str, value: &str) -> (u16, String) {
        let args = serde_json::to_string(&(css, name, value)).expect("json");
        self.fetched(&format!(
            "const done = arguments[arguments.length - 1];
             const [css, name, value] = {args};
             const form = document.querySelector(css);
             const body = new URLSearchParams(new FormData(form));
             if (name) body.append(name, value);
             fetch(form.getAttribute('action'), {{ method: 'POST', body, credentials: 'same-origin' }})
                .then(r => r.text().then(t => done([r.status, t])))
                .catch(e => done([0, 'fetch failed: ' + e]));"
        ))
        .await
    }

    async fn fetched(&self, script: &str) -> (u16, String) {
        let result = self
            .client
            .execute_async(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("fetch in page: {e}"));
        serde_json::from_value(result.clone())
            .unwrap_or_else(|_| panic!("fetch gave no [status, body]: {result}"))
    }

    /// Resizes the window so the page is `width` CSS pixels wide, lists the
    /// elements that reach past the right edge when the page scrolls
    /// sideways (innermost first, at most five) and the parts that scroll
    /// sideways out of a keyboard's reach, and restores the size.
    pub async fn overflow_at(&self, width: u32) -> Vec<String> {
        let (w, h) = self.client.get_window_size().await.expect("window size");
        self.client
            .set_window_size(width, 900)
            .await
            .expect("resize window");
        // The window may include a frame: grow it until the viewport fits.
        let inner = self.execute("return window.innerWidth;").await;
        if let Some(inner) = inner.as_u64().filter(|i| *i != u64::from(width)) {
            let adjusted = (i64::from(width) * 2 - inner as i64).max(1) as u32;
            self.client
                .set_window_size(adjusted, 900)
                .await
                .expect("resize window");
        }
        // The page lays itself out anew for the new width on its next
        // frames: measured sooner, the root's scroll width is stale.
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                Vec::new(),
            )
            .await
            .expect("wait for layout");
        let result = self
            .execute(&format!(
                "const width = {width};
                 if (window.innerWidth !== width) return ['viewport is ' + window.innerWidth + ' px, not ' + width];
                 const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                    (e.classList.length ? '.' + [...e.classList].join('.') : '');
                 const path = e => {{ const p = []; for (let n = e; n && n !== document.body; n = n.parentElement) p.unshift(name(n)); return p.join(' > '); }};
                 // A table that scrolls sideways must be in a region that takes keyboard
                 // focus (so arrow keys scroll it) and is named (so a screen reader says
                 // what it is); any other part that scrolls needs something focusable
                 // inside, which tabbing scrolls into view (axe's own rule).
                 const focusable = 'a[href], button, input, select, textarea, [tabindex]';
                 const named = e => e.tabIndex >= 0 && e.getAttribute('role') === 'region' &&
                    (e.getAttribute('aria-label') || document.getElementById(e.getAttribute('aria-labelledby') || '')?.textContent.trim());
                 const unreachable = [...document.querySelectorAll('body *')]
                    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
                    .filter(e => e.querySelector('table') ? !named(e) : !(e.tabIndex >= 0 || e.querySelector(focusable)))
                    .map(e => path(e) + (e.querySelector('table') ? ' scrolls a table sideways but is not a focusable, named region'
                                                                  : ' scrolls sideways with nothing focusable in it'));
                 // Inside a container that scrolls or clips, an element cannot widen the page.
                 const clipped = e => {{ for (let n = e.parentElement; n && n !== document.body; n = n.parentElement)
                    if (getComputedStyle(n).overflowX !== 'visible') return true; return false; }};
                 const wide = [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > width + 0.5 && !clipped(e))
                    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > width + 0.5));
                 // The root's scroll width alone misses some overflow (seen: a 600 px
                 // block inside <main> left it at 375), so the boxes are measured too.
                 if (wide.length === 0 && document.documentElement.scrollWidth <= width) return unreachable;
                 return unreachable.concat(['page is ' + Math.max(document.documentElement.scrollWidth,
                    ...wide.map(e => Math.round(e.getBoundingClientRect().right))) + ' px wide'],
                    wide.slice(0, 5).map(e => path(e) + ' reaches ' + Math.round(e.getBoundingClientRect().right) + ' px'));"
            ))
            .await;
        self.client
            .set_window_size(w as u32, h as u32)
            .await
            .expect("restore window size");
        serde_json::from_value(result.clone())
            .unwrap_or_else(|_| panic!("width check gave no list: {result}"))
    }

    /// The first element matching, once it exists (up to ten seconds).
    pub async fn wait_for(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => {
                let url = self.client.current_url().await.map(|u| u.to_string());
                panic!("waited {WAIT:?} for {css} on {url:?}: {e}")
            }
        }
    }

    /// Saves a PNG of the viewport, creating the directory.
    pub async fn screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let png = self.client.screenshot().await.expect("take screenshot");
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create screenshot dir");
        }
        std::fs::write(path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub async fn current_url(&self) -> url::Url {
        self.client.current_url().await.expect("current url")
    }

    /// Signs in through the real login form with the demo password and
    /// waits for the signed-in header.
    pub async fn sign_in(&self, app_address: &str, email: &str) {
        self.goto(&format!("{app_address}/login")).await;
        self.fill("form[action='/login'] input[name=email]", email)
            .await;
        self.fill("form[action='/login'] input[name=password]", DEMO_PASSWORD)
            .await;
        self.click("form[action='/login'] button[type=submit]")
            .await;
        self.wait_for(".user-menu .role-badge").await;
    }

    /// Ends the WebDriver session (Chromium quits); drop does the rest.
    pub async fn close(self) {
        let Self { client, mut driver } = self;
        if client.close().await.is_ok() {
            driver.session = None;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            delete_session(self.port, &session);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Chromium runs in a process group of its own, so killing
        // chromedriver leaves it running: find it by its profile directory.
        kill_processes_mentioning(&self.dir);
        remove_dir(&self.dir);
    }
}

/// `DELETE /session/{id}` by hand (no runtime here): chromedriver quits
/// Chromium before it answers.
fn delete_session(port: u16, session: &str) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(WAIT));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return;
    }
    // chromedriver keeps the connection open whatever we ask: read just the
    // whole answer (headers, then Content-Length bytes), not to EOF.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n @ 1..) = stream.read(&mut chunk) {
        answer.extend_from_slice(&chunk[..n]);
        if response_complete(&answer) {
            break;
        }
    }
}

fn response_complete(answer: &[u8]) -> bool {
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let headers = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
    let length = headers
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    answer.len() >= end + 4 + length
}

/// SIGKILLs every process whose command line mentions a path inside `dir`
/// (the trailing slash keeps `…-1` from matching `…-10`).
fn kill_processes_mentioning(dir: &Path) {
    let needle = format!("{}/", dir.display()).into_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    let pids: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmd| cmd.windows(needle.len()).any(|w| w == needle))
        })
        .collect();
    if !pids.is_empty() {
        let _ = Command::new("sh")
            .args(["-c", "kill -KILL \"$@\"", "sh"])
            .args(&pids)
            .stderr(Stdio::null())
            .status();
    }
}

fn remove_dir(dir: &Path) {
    // A killed Chromium may still be flushing for a moment.
    for _ in 0..10 {
        if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("find a free port")
        .port()
}

async fn wait_for_port(port: u16, log: &Path) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let start = Instant::now();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            start.elapsed() < WAIT,
            "chromedriver did not listen on {port}\n{}",
            tail(log)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The end of chromedriver's log, for failure messages.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}
