//! Processor time read from `/proc`: PostgreSQL's processes', and this process's (the hub with
//! the benchmark's clients): what a run cost each side, whatever else the machine was doing.

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
        ticks += command_ticks(&stat).filter(|(command, _)| *command == "postgres").map_or(0, |(_, t)| t);
    }
    Some(to_duration(ticks))
}

/// The user and system time of this process, all its threads.
pub fn own_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    Some(to_duration(command_ticks(&stat)?.1))
}

fn to_duration(ticks: u64) -> Duration {
    Duration::from_millis(ticks * 1_000 / TICKS_PER_SECOND)
}

/// The command and utime + stime of a `/proc/<pid>/stat` line. The command is in parentheses and
/// may hold spaces, so the fields are counted from the last closing one.
fn command_ticks(stat: &str) -> Option<(&str, u64)> {
    let (head, rest) = stat.rsplit_once(')')?;
    let (_, command) = head.split_once('(')?;
    // After the command: state (field 3) … utime (14) and stime (15).
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some((command, fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?))
}

#[cfg(test)]
mod tests {
    use super::command_ticks;

    #[test]
    fn reads_the_command_and_its_user_and_system_ticks() {
        let line = "4242 (postgres) S 4200 4242 4242 0 -1 4194560 900 0 0 0 150 25 0 0 20 0 1 0 100 0 0";
        assert_eq!(command_ticks(line), Some(("postgres", 175)));
        assert_eq!(command_ticks("18 (my (odd) name) S 1 17 17 0 -1 0 0 0 0 0 9 4 0 0"), Some(("my (odd) name", 13)));
        assert_eq!(command_ticks("19 (short) S 1 17"), None);
    }
}
