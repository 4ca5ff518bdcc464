//! The embedded default database: a private PostgreSQL cluster under a
//! directory of ours, run with the server binaries installed on the machine.
//!
//! Layout under the root: `postgres/` (the cluster), `run/` (its Unix socket;
//! it listens on no TCP port), `log/postgres.log`, `db-password`. `initdb`
//! refuses to run as root, so when we are root the cluster runs as an
//! unprivileged system user (`postgres`, else `nobody`) that owns those
//! directories. The same code starts the test suite's cluster.
//!
//! It stands beside the app rather than in `db/`: it manages a server
//! process and its files, and names nothing of the crate.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The database created in the cluster for the app.
pub const APP_DATABASE: &str = "supportdesk";
/// The cluster's superuser.
const SUPERUSER: &str = "supportdesk";
/// Only names the socket file: the cluster listens on no TCP port.
const PORT: u16 = 5432;

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no PostgreSQL server binaries found (looked in {looked}). Install them \
         (Debian: `apt-get install postgresql`), point SUPPORTDESK_PG_BINDIR at the \
         directory holding initdb and pg_ctl, or set DATABASE_URL to use an existing server"
    )]
    NoBinaries { looked: String },
    #[error("{what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ClusterError {
    let context = context.into();
    move |e| ClusterError::Io(context, e)
}

/// Options that differ between the app and the test suite.
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// Directory with initdb/pg_ctl; found automatically when `None`.
    pub bindir: Option<PathBuf>,
    /// Trade durability for speed (tests only): fsync and friends off; and
    /// count statements with pg_stat_statements (tests check for N+1).
    pub ephemeral: bool,
}

/// A running cluster. [`EmbeddedCluster::stop`] stops it if we started it.
#[derive(Debug)]
pub struct EmbeddedCluster {
    root: PathBuf,
    bindir: PathBuf,
    owner: Option<SystemUser>,
    password: String,
    started_here: bool,
}

/// The unprivileged account the cluster runs as when we are root.
#[derive(Debug, Clone)]
struct SystemUser {
    name: String,
    uid: u32,
    gid: u32,
}

impl EmbeddedCluster {
    /// Initialises the cluster on first use, starts it unless it is already
    /// running (then it is reused) and makes sure the app database exists.
    pub fn start(root: &Path, options: &ClusterOptions) -> Result<Self, ClusterError> {
        let bindir = find_bindir(options.bindir.as_deref())?;
        fs::create_dir_all(root).map_err(io(format!("creating {}", root.display())))?;
        let root = root
            .canonicalize()
            .map_err(io(format!("resolving {}", root.display())))?;
        let owner = if running_as_root()? {
            Some(unprivileged_user()?)
        } else {
            None
        };
        let cluster_dir = root.join("postgres");
        let socket_dir = root.join("run");
        let log_dir = root.join("log");
        for dir in [&cluster_dir, &socket_dir, &log_dir] {
            fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
            set_mode(dir, 0o700)?;
            if let Some(user) = &owner {
                std::os::unix::fs::chown(dir, Some(user.uid), Some(user.gid))
                    .map_err(io(format!("handing {} to {}", dir.display(), user.name)))?;
            }
        }
        if owner.is_some() {
            // The cluster's user must be able to enter the root to reach its dirs.
            let mode = fs::metadata(&root).map_err(io("reading data dir"))?.mode();
            set_mode(&root, (mode & 0o7777) | 0o011)?;
        }
        let password = load_or_create_password(&root)?;
        let mut cluster = Self {
            root,
            bindir,
            owner,
            password,
            started_here: false,
        };
        if !cluster_dir.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        if !cluster.is_running() {
            cluster.pg_ctl_start(options.ephemeral)?;
            cluster.started_here = true;
        }
        cluster.ensure_database(APP_DATABASE)?;
        Ok(cluster)
    }

    /// Connection URL for a database in this cluster (over its Unix socket).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@/{database}?host={}&port={PORT}",
            self.password,
            self.socket_dir().display()
        )
    }

    /// Stops the server if this process started it; a server found running
    /// (another instance, or a crashed run) is left as it was found.
    pub fn stop(&self) -> Result<(), ClusterError> {
        if !self.started_here {
            return Ok(());
        }
        let out = self.pg_ctl(&["stop", "-w", "-t", "30", "-m", "fast"])?;
        check("pg_ctl stop", &out)
    }

    /// Stops the server whether or not this process started it.
    pub fn stop_now(&self) -> Result<(), ClusterError> {
        let out = self.pg_ctl(&["stop", "-w", "-t", "30", "-m", "fast"])?;
        check("pg_ctl stop", &out)
    }

    /// Starts the server again after [`stop_now`](Self::stop_now).
    pub fn restart(&mut self, ephemeral: bool) -> Result<(), ClusterError> {
        if !self.is_running() {
            self.pg_ctl_start(ephemeral)?;
        }
        Ok(())
    }

    pub fn is_running(&self) -> bool {
        self.pg_ctl(&["status"]).is_ok_and(|o| o.status.success())
    }

    fn cluster_dir(&self) -> PathBuf {
        self.root.join("postgres")
    }

    fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    fn initdb(&self) -> Result<(), ClusterError> {
        // initdb reads the superuser password from a file only its user can read.
        let pwfile = self.socket_dir().join("initdb-password");
        write_private(&pwfile, &self.password)?;
        if let Some(user) = &self.owner {
            std::os::unix::fs::chown(&pwfile, Some(user.uid), Some(user.gid))
                .map_err(io("handing password file to the cluster user"))?;
        }
        let cluster_dir = self.cluster_dir();
        let out = self
            .command("initdb")
            .arg("-D")
            .arg(&cluster_dir)
            .args([
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--locale=C",
                "--auth=scram-sha-256",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .map_err(io("running initdb"));
        let _ = fs::remove_file(&pwfile);
        check("initdb", &out?)
    }

    fn pg_ctl_start(&self, ephemeral: bool) -> Result<(), ClusterError> {
        let mut server_options = format!(
            "-c listen_addresses='' -k {} -p {PORT}",
            self.socket_dir().display()
        );
        if ephemeral {
            // The statement-count tests read pg_stat_statements, which the
            // cluster's test databases share: at the default 5,000 entries,
            // entries were evicted mid-count and a count came out negative.
            server_options.push_str(
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
                 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all \
                 -c pg_stat_statements.max=50000",
            );
        }
        let log = self.root.join("log").join("postgres.log");
        let out = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.cluster_dir())
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &server_options, "start"])
            .output()
            .map_err(io("running pg_ctl start"))?;
        if !out.status.success() {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(8).collect();
            return Err(ClusterError::Command {
                what: "starting PostgreSQL".into(),
                detail: format!(
                    "{}\n{}",
                    describe(&out),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                ),
            });
        }
        Ok(())
    }

    fn ensure_database(&self, name: &str) -> Result<(), ClusterError> {
        use diesel::prelude::*;
        use diesel::sql_types::{Bool, Text};
        #[derive(QueryableByName)]
        struct Exists {
            #[diesel(sql_type = Bool)]
            exists: bool,
        }
        let fail = |e: &dyn std::fmt::Display| ClusterError::Command {
            what: format!("creating database {name}"),
            detail: e.to_string(),
        };
        let mut conn = PgConnection::establish(&self.url("postgres")).map_err(|e| fail(&e))?;
        let found: Exists = diesel::sql_query(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists",
        )
        .bind::<Text, _>(name)
        .get_result(&mut conn)
        .map_err(|e| fail(&e))?;
        if !found.exists {
            diesel::sql_query(format!("CREATE DATABASE \"{}\"", name.replace('"', "")))
                .execute(&mut conn)
                .map_err(|e| fail(&e))?;
        }
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<Output, ClusterError> {
        self.command("pg_ctl")
            .arg("-D")
            .arg(self.cluster_dir())
            .args(args)
            .output()
            .map_err(io("running pg_ctl"))
    }

    /// A server binary, run as the cluster's user, from a directory it may enter.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(program));
        cmd.current_dir(&self.root).env("LC_ALL", "C");
        if let Some(user) = &self.owner {
            cmd.uid(user.uid).gid(user.gid);
            cmd.env("HOME", &self.root).env("USER", &user.name);
        }
        cmd
    }
}

/// Finds initdb and pg_ctl: the given dir, `pg_config --bindir`, then the
/// newest `/usr/lib/postgresql/<version>/bin`.
pub fn find_bindir(given: Option<&Path>) -> Result<PathBuf, ClusterError> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let mut looked = Vec::new();
    if let Some(dir) = given {
        if has_tools(dir) {
            return Ok(dir.to_path_buf());
        }
        looked.push(dir.display().to_string());
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has_tools(&dir) {
            return Ok(dir);
        }
        looked.push(dir.display().to_string());
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versions.sort();
    looked.push("/usr/lib/postgresql/*/bin".into());
    versions
        .into_iter()
        .rev()
        .map(|(_, dir)| dir)
        .find(|dir| has_tools(dir))
        .ok_or(ClusterError::NoBinaries {
            looked: looked.join(", "),
        })
}

fn running_as_root() -> Result<bool, ClusterError> {
    // The owner of /proc/self is the process's effective user.
    Ok(fs::metadata("/proc/self")
        .map_err(io("reading /proc/self"))?
        .uid()
        == 0)
}

fn unprivileged_user() -> Result<SystemUser, ClusterError> {
    let passwd = fs::read_to_string("/etc/passwd").map_err(io("reading /etc/passwd"))?;
    let users: Vec<SystemUser> = passwd
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            Some(SystemUser {
                name: f.first()?.to_string(),
                uid: f.get(2)?.parse().ok()?,
                gid: f.get(3)?.parse().ok()?,
            })
        })
        .collect();
    ["postgres", "nobody"]
        .iter()
        .find_map(|name| {
            users
                .iter()
                .find(|u| u.name == *name && u.uid != 0)
                .cloned()
        })
        .ok_or_else(|| ClusterError::Command {
            what: "finding an unprivileged user for PostgreSQL".into(),
            detail: "running as root and neither `postgres` nor `nobody` exists; create one \
                     (`useradd --system postgres`) or run as another user"
                .into(),
        })
}

fn load_or_create_password(root: &Path) -> Result<String, ClusterError> {
    let path = root.join("db-password");
    if let Ok(existing) = fs::read_to_string(&path) {
        let existing = existing.trim();
        if !existing.is_empty() {
            return Ok(existing.to_owned());
        }
    }
    let password = random_password()?;
    write_private(&path, &password)?;
    Ok(password)
}

/// 24 random bytes from the operating system, as hex: the cluster's own
/// secret, made here so that this module needs nothing of the app.
fn random_password() -> Result<String, ClusterError> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| ClusterError::Command {
        what: "making the database password".into(),
        detail: e.to_string(),
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes a file readable by its owner only.
pub fn write_private(path: &Path, contents: &str) -> Result<(), ClusterError> {
    let context = || format!("writing {}", path.display());
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(io(context()))?;
    set_mode(path, 0o600)?;
    file.write_all(contents.as_bytes()).map_err(io(context()))
}

fn set_mode(path: &Path, mode: u32) -> Result<(), ClusterError> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(io(format!("setting permissions of {}", path.display())))
}

fn check(what: &str, out: &Output) -> Result<(), ClusterError> {
    if out.status.success() {
        Ok(())
    } else {
        Err(ClusterError::Command {
            what: what.into(),
            detail: describe(out),
        })
    }
}

fn describe(out: &Output) -> String {
    format!(
        "{} {}",
        String::from_utf8_lossy(&out.stderr).trim(),
        String::from_utf8_lossy(&out.stdout).trim()
    )
}
