//! Process and thread figures from the kernel: CPU time, RSS, context switches, limits.
//!
//! The only `unsafe` of the bench is here, around three libc calls that std does not wrap
//! (the library itself keeps `unsafe` to `src/ffi`).

use std::time::Duration;

/// CPU time (user + system) of this whole process, including threads that have ended.
pub fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Raises the soft limit on open files to the hard limit; returns the new soft limit.
pub fn raise_nofile() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for the duration of each call.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        if lim.rlim_cur < lim.rlim_max {
            let want = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
                return want.rlim_cur;
            }
        }
    }
    lim.rlim_cur
}

/// A field of `/proc/self/status` in KiB (e.g. `VmRSS`, `VmHWM`).
pub fn status_kib(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| {
            let rest = l.strip_prefix(field)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0)
}

/// Resident set size of this process, KiB.
pub fn rss_kib() -> u64 {
    status_kib("VmRSS")
}

/// One thread's counters.
#[derive(Debug, Clone, Default)]
pub struct ThreadStat {
    pub tid: u32,
    pub name: String,
    /// Voluntary context switches: times the thread blocked and was woken.
    pub voluntary: u64,
    /// CPU time, from `/proc/.../schedstat` (nanosecond exact).
    pub cpu: Duration,
}

/// Every thread of this process whose name starts with `prefix`.
pub fn threads(prefix: &str) -> Vec<ThreadStat> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let path = entry.path();
        let Ok(name) = std::fs::read_to_string(path.join("comm")) else {
            continue;
        };
        let name = name.trim().to_string();
        if !name.starts_with(prefix) {
            continue;
        }
        let status = std::fs::read_to_string(path.join("status")).unwrap_or_default();
        let field = |f: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(f)?.trim().parse().ok())
                .unwrap_or(0)
        };
        let cpu_ns: u64 = std::fs::read_to_string(path.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        out.push(ThreadStat {
            tid: entry.file_name().to_string_lossy().parse().unwrap_or(0),
            name,
            voluntary: field("voluntary_ctxt_switches:"),
            cpu: Duration::from_nanos(cpu_ns),
        });
    }
    out.sort_by_key(|t| t.tid);
    out
}

/// The 1-minute load average.
pub fn load1() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(-1.0)
}

/// The CPU model name from `/proc/cpuinfo`.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == "model name").then(|| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Sleeps until `at` (no-op if it has passed).
pub fn sleep_until(at: std::time::Instant) {
    let now = std::time::Instant::now();
    if at > now {
        std::thread::sleep(at - now);
    }
}
