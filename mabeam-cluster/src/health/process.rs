//! This process's resource use, read from `/proc` (Linux; zeros elsewhere).

use std::time::Instant;

/// Linux reports CPU time in clock ticks of 1/100 s (`USER_HZ`) on every mainstream
/// architecture.
const TICKS_PER_SEC: f64 = 100.0;

/// Samples this process's CPU use between calls.
#[derive(Debug)]
pub(crate) struct CpuMeter {
    last: Option<(Instant, u64)>,
}

impl CpuMeter {
    pub(crate) fn new() -> Self {
        Self { last: None }
    }

    /// CPU used since the previous call, in percent of one core (200 = two cores busy);
    /// 0 on the first call.
    pub(crate) fn sample(&mut self) -> u64 {
        let now = Instant::now();
        let Some(ticks) = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| cpu_ticks(&s))
        else {
            return 0;
        };
        let percent = match self.last {
            Some((then, before)) => {
                let wall = now.duration_since(then).as_secs_f64();
                let used = ticks.saturating_sub(before) as f64 / TICKS_PER_SEC;
                if wall > 0.0 {
                    (used / wall * 100.0).round() as u64
                } else {
                    0
                }
            }
            None => 0,
        };
        self.last = Some((now, ticks));
        percent
    }
}

/// User plus system CPU ticks from the text of `/proc/<pid>/stat`.
fn cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself:
    // fields are counted from after its last `)`. utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// This process's resident memory, in bytes.
pub(crate) fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_read_after_a_command_name_with_spaces_and_parens() {
        let stat = "4242 (my (odd) node) S 1 4242 4242 0 -1 4194560 1000 0 0 0 \
                    250 50 0 0 20 0 3 0 12345 1000000 500 18446744073709551615";
        assert_eq!(cpu_ticks(stat), Some(300));
        assert_eq!(cpu_ticks("garbage"), None);
        assert_eq!(cpu_ticks("1 (x) S 1 2"), None);
    }

    #[test]
    fn this_process_has_memory_and_a_cpu_meter_that_starts_at_zero() {
        assert!(rss_bytes() > 0);
        let mut meter = CpuMeter::new();
        assert_eq!(meter.sample(), 0);
    }
}
