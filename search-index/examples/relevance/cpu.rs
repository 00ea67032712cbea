//! This process's CPU time, for the benchmarks' "CPU per query".

use std::time::Duration;

/// User and system CPU time of this process so far, from `/proc/self/stat` (in clock
/// ticks of 10 ms: summed over hundreds of queries, fine enough). Zero where there is no
/// `/proc`.
pub fn process_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    // utime and stime are the 14th and 15th fields of the line, the 12th and 13th here.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&index| fields.get(index)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}
