//! A PostgreSQL cluster of a test's own (for tests that stop or kill it),
//! stopped and removed even when the test fails.

use std::path::PathBuf;

use supportdesk::embedded_pg::{ClusterOptions, EmbeddedCluster};

pub struct OwnCluster {
    pub cluster: EmbeddedCluster,
    pub root: PathBuf,
}

impl OwnCluster {
    /// Starts a cluster under a fresh temporary directory named for `name`;
    /// `ephemeral` trades durability for speed (no fsync, asynchronous commit).
    pub fn start(name: &str, ephemeral: bool) -> Self {
        // Short: the Unix socket path inside must stay under ~100 bytes.
        let root = std::env::temp_dir().join(format!("sd-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let options = ClusterOptions {
            bindir: None,
            ephemeral,
        };
        Self {
            cluster: EmbeddedCluster::start(&root, &options).unwrap(),
            root,
        }
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop_now();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
