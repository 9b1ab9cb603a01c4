//! A one-line progress indication on stderr while artifacts are hashed: only on a terminal,
//! only when not `-q`, only after the first half second, and never while the step's command
//! runs (its output owns the terminal then).

use std::{
    io::{IsTerminal, Write},
    sync::{Arc, Mutex, PoisonError},
    thread,
    time::{Duration, Instant},
};

use intoto_hash::Progress;
use intoto_record::Phase;

const DELAY: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(100);

struct State {
    label: Option<&'static str>,
    since: Instant,
    drawn: bool,
    stop: bool,
}

/// The progress line; cloned handles share it.
#[derive(Clone)]
pub struct Ticker {
    counters: Arc<Progress>,
    state: Option<Arc<Mutex<State>>>,
}

impl Ticker {
    /// Starts the ticker thread if stderr is a terminal and `quiet` is off.
    pub fn start(quiet: bool) -> Ticker {
        let counters = Arc::new(Progress::default());
        if quiet || !std::io::stderr().is_terminal() {
            return Ticker {
                counters,
                state: None,
            };
        }
        let state = Arc::new(Mutex::new(State {
            label: None,
            since: Instant::now(),
            drawn: false,
            stop: false,
        }));
        let (shared, counts) = (state.clone(), counters.clone());
        thread::spawn(move || {
            loop {
                thread::sleep(TICK);
                let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
                if s.stop {
                    break;
                }
                if let Some(label) = s.label
                    && s.since.elapsed() >= DELAY
                {
                    let mib = counts.bytes() as f64 / f64::from(1 << 20);
                    let mut err = std::io::stderr().lock();
                    let _ = write!(
                        err,
                        "\r\x1b[2K{label}: {} files, {mib:.0} MiB",
                        counts.files()
                    );
                    let _ = err.flush();
                    s.drawn = true;
                }
            }
        });
        Ticker {
            counters,
            state: Some(state),
        }
    }

    /// The counters to pass to the recorder.
    pub fn counters(&self) -> &Progress {
        &self.counters
    }

    /// Shows `label` (after the delay), or nothing for `None`; clears a drawn line at once.
    pub fn show(&self, label: Option<&'static str>) {
        let Some(state) = &self.state else { return };
        let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
        if s.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            s.drawn = false;
        }
        s.label = label;
        s.since = Instant::now();
    }

    /// What to show for a phase of `run_step`.
    pub fn phase(&self, phase: Phase) {
        self.show(match phase {
            Phase::Materials => Some("recording materials"),
            Phase::Products => Some("recording products"),
            Phase::Command | Phase::Done => None,
        });
    }

    /// Clears the line and stops the thread.
    pub fn finish(&self) {
        self.show(None);
        if let Some(state) = &self.state {
            state.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
        }
    }
}
