# Shared by scripts/run and scripts/test: install what the build and the
# embedded PostgreSQL need on Debian/Ubuntu, only when it is missing.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# PostgreSQL server binaries for the embedded cluster, libpq for diesel,
# and the C toolchain rustc links with (rustup does not install one).
install_system_packages() {
  apt_install postgresql libpq-dev pkg-config ca-certificates gcc libc6-dev
  # Debian's package starts a system cluster we do not use; leave it alone.
}

# Headless Chromium and its WebDriver server for the browser tests
# (tests/it/browser.rs), and Java for the Nu HTML checker
# (tests/it/html_valid.rs); only scripts/test needs them.
install_browser_packages() {
  apt_install chromium chromium-driver default-jre-headless
}

# A real SMTP server for the e-mail notification tests (tests/it/notifications.rs
# runs tests/it/fixtures/smtp_server.py with Debian's python3 and aiosmtpd).
install_mail_test_packages() {
  apt_install python3 python3-aiosmtpd
}

# axe-core (accessibility) and vnu-jar (the Nu HTML checker) from npm.
# --ignore-scripts: vnu-jar's install script tries to download a Java
# runtime (and fails offline); axe-core has no install script.
install_test_npm_packages() {
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  # Reinstall when package-lock.json changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --ignore-scripts --no-audit --no-fund
  fi
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "Rust is not installed: see https://rustup.rs (cargo 1.88 or newer)" >&2
    exit 1
  fi
}

# The release directory cargo builds into: `cargo metadata` knows it, so a
# CARGO_TARGET_DIR (or a build.target-dir in a cargo config) is honoured
# rather than assuming ./target.
release_dir() {
  local dir
  dir=$(cargo metadata --locked --format-version 1 --no-deps |
    grep -o '"target_directory":"[^"]*"' | head -n 1 | cut -d '"' -f 4)
  [ -n "$dir" ] || {
    echo "cannot tell cargo's target directory" >&2
    exit 1
  }
  echo "$dir/release"
}
