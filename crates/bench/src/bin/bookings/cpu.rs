//! The processor time PostgreSQL's processes have used, read from `/proc`: what a run cost the
//! database, whatever else the machine was doing meanwhile.

use std::time::Duration;

/// Clock ticks per second in `/proc/<pid>/stat` (Linux's USER_HZ, 100 for user space).
const TICKS_PER_SECOND: u64 = 100;

/// The user and system time of every process named `postgres` that is running now (server,
/// connections and background workers), or None where there is no `/proc`. A process that ends
/// during a run takes its time with it: the benchmark's connections stay open throughout.
pub fn postgres_time() -> Option<Duration> {
    let mut ticks = 0;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        ticks += postgres_ticks(&stat).unwrap_or(0);
    }
    Some(Duration::from_millis(ticks * 1_000 / TICKS_PER_SECOND))
}

/// utime + stime of a `/proc/<pid>/stat` line if its command is `postgres`. The command is in
/// parentheses and may hold spaces, so the fields are counted from the closing one.
fn postgres_ticks(stat: &str) -> Option<u64> {
    let (head, rest) = stat.rsplit_once(')')?;
    if !head.ends_with("(postgres") {
        return None;
    }
    // After the command: state (field 3) … utime (14) and stime (15).
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::postgres_ticks;

    #[test]
    fn reads_user_and_system_ticks_of_postgres_only() {
        let line = "4242 (postgres) S 4200 4242 4242 0 -1 4194560 900 0 0 0 150 25 0 0 20 0 1 0 100 0 0";
        assert_eq!(postgres_ticks(line), Some(175));
        assert_eq!(postgres_ticks("17 (bash) S 1 17 17 0 -1 0 0 0 0 0 9 9 0 0"), None);
        assert_eq!(postgres_ticks("18 (my postgres) S 1 17 17 0 -1 0 0 0 0 0 9 9 0 0"), None);
    }
}
