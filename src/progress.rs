//! A long job's progress on stderr (`bantin seed`, `import`, `export`).

use std::{
    io::{IsTerminal, Write},
    time::{Duration, Instant},
};

/// On a terminal, one line rewritten in place at most five times a second; in a log, a line
/// for each tenth of the work.
pub struct Progress {
    interactive: bool,
    started: Instant,
    last_report: Instant,
    last_decile: u64,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            interactive: std::io::stderr().is_terminal(),
            started: Instant::now(),
            last_report: Instant::now(),
            last_decile: 0,
        }
    }
}

impl Progress {
    /// Articles a second since the job started.
    pub fn rate(&self, articles: u64) -> f64 {
        articles as f64 / self.started.elapsed().as_secs_f64().max(1e-9)
    }

    /// Shows `line` for a job `done` of `total` of the way through (any unit); the last one
    /// (`done == total`) always shows.
    pub fn show(&mut self, line: &str, done: u64, total: u64) {
        let decile = done * 10 / total.max(1);
        let last = done >= total;
        let mut stderr = std::io::stderr();
        if self.interactive && (self.last_report.elapsed() > Duration::from_millis(200) || last) {
            let _ = write!(stderr, "\r{line}");
            if last {
                let _ = writeln!(stderr);
            }
            self.last_report = Instant::now();
        } else if !self.interactive && (decile > self.last_decile || last) {
            let _ = writeln!(stderr, "{line}");
            self.last_decile = decile;
        }
    }
}
