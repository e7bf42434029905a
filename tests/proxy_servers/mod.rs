//! Real proxies started by the tests: `tinyproxy` (HTTP CONNECT, optionally with Basic
//! authentication) and `microsocks` (SOCKS5, optionally with username/password), each on a
//! free port of 127.0.0.1 with its log in a temporary directory, stopped when dropped.
//!
//! `.ci/run` installs both (Debian packages `tinyproxy`, `microsocks`). Outside CI (`CI`
//! unset) a test whose proxy is missing is skipped with a message naming the package; in CI
//! it fails.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A proxy process of this test, killed (by its own pid) and reaped on drop.
pub struct ProxyProcess {
    child: Child,
    pub port: u16,
    log: PathBuf,
    dir: PathBuf,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Whether `program` runs; if not, panics in CI and prints the skip message outside it.
pub fn available(program: &str, package: &str) -> bool {
    let found = Command::new(program)
        .arg("-h")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|mut c| {
            let _ = c.kill();
            let _ = c.wait();
        })
        .is_ok();
    if !found {
        assert!(
            !in_ci(),
            "{program} is not installed (apt-get install {package}); CI needs it"
        );
        eprintln!("skipped: {program} is not installed (apt-get install {package})");
    }
    found
}

/// A fresh directory for one proxy's configuration and log (removed on drop).
fn temp_dir(port: u16) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "gemini-live-proxy-test-{}-{port}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_listening(port: u16, child: &mut Child, log: &PathBuf) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the proxy exited ({status}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            Instant::now() < deadline,
            "the proxy did not start listening"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl ProxyProcess {
    /// `tinyproxy` in the foreground, logging every connection; with `auth`, Basic
    /// credentials are required. `extra` lines go into its configuration. `None` when it is
    /// not installed (outside CI).
    pub fn tinyproxy(auth: Option<(&str, &str)>, extra: &str) -> Option<ProxyProcess> {
        if !available("tinyproxy", "tinyproxy") {
            return None;
        }
        let port = free_port();
        let dir = temp_dir(port);
        let log = dir.join("tinyproxy.log");
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 60\nLogLevel Connect\nMaxClients 100\n\
             LogFile \"{}\"\n{extra}\n",
            log.display()
        );
        if let Some((user, pass)) = auth {
            conf.push_str(&format!("BasicAuth {user} {pass}\n"));
        }
        let conf_path = dir.join("tinyproxy.conf");
        std::fs::write(&conf_path, conf).expect("write tinyproxy.conf");
        let mut child = Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy starts");
        wait_listening(port, &mut child, &log);
        Some(ProxyProcess {
            child,
            port,
            log,
            dir,
        })
    }

    /// `microsocks` on 127.0.0.1; with `auth`, username/password are required.
    pub fn microsocks(auth: Option<(&str, &str)>) -> Option<ProxyProcess> {
        if !available("microsocks", "microsocks") {
            return None;
        }
        let port = free_port();
        let dir = temp_dir(port);
        let log = dir.join("microsocks.log");
        let out = std::fs::File::create(&log).expect("log file");
        let mut cmd = Command::new("microsocks");
        cmd.args(["-i", "127.0.0.1", "-p", &port.to_string()]);
        if let Some((user, pass)) = auth {
            cmd.args(["-u", user, "-P", pass]);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .spawn()
            .expect("microsocks starts");
        wait_listening(port, &mut child, &log);
        Some(ProxyProcess {
            child,
            port,
            log,
            dir,
        })
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The tunnels it was asked for, as `host:port` in order: tinyproxy's
    /// `Request ...: CONNECT host:port HTTP/1.1` lines, microsocks' `connected to host:port`.
    pub fn tunnels(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter_map(|l| {
                if let Some(i) = l.find(": CONNECT ") {
                    let rest = &l[i + ": CONNECT ".len()..];
                    return rest.split_whitespace().next().map(str::to_string);
                }
                l.split_once("connected to ")
                    .map(|(_, t)| t.trim().to_string())
            })
            .collect()
    }

    /// Waits (up to 5 s) until it logged `n` tunnels (its log lags its work a little).
    pub fn wait_tunnels(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let t = self.tunnels();
            if t.len() >= n || Instant::now() > deadline {
                return t;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
