//! Pass/fail bookkeeping with the final `N passed, M failed` line.

/// Counts results and prints failures as they happen.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases that behaved as expected.
    pub passed: usize,
    /// Cases that did not.
    pub failed: usize,
    seen: std::collections::BTreeSet<String>,
}

impl Report {
    /// Records one check of the vector named `case` (several checks may share a case).
    pub fn check_as(&mut self, case: &str, name: &str, outcome: Result<(), String>) {
        self.seen.insert(case.to_string());
        self.check(name, outcome);
    }

    /// Whether a case of that name was checked.
    pub fn seen(&self, case: &str) -> bool {
        self.seen.contains(case)
    }

    /// Records one case.
    pub fn check(&mut self, name: &str, outcome: Result<(), String>) {
        self.seen.insert(name.to_string());
        match outcome {
            Ok(()) => self.passed += 1,
            Err(why) => {
                self.failed += 1;
                println!("FAIL {name}: {why}");
            }
        }
    }

    /// Prints the summary line.
    pub fn finish(self) -> Self {
        println!("{} passed, {} failed", self.passed, self.failed);
        self
    }
}
