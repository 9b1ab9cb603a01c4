//! A progress bar on stderr (indicatif) while artifacts are hashed: only on a terminal, only
//! when not `-q`, only after the first half second, and never while the step's command runs
//! (its output owns the terminal then).
//!
//! The hasher counts files and bytes in atomics ([`intoto_hash::Progress`]); a thread copies
//! them into the bar ten times a second. indicatif draws nothing when stderr is not a terminal,
//! clears its line when hidden, and limits its own redraw rate.

use std::{
    io::IsTerminal,
    sync::{Arc, Mutex, PoisonError},
    thread,
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use intoto_hash::Progress;
use intoto_record::Phase;

const DELAY: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(100);

struct State {
    label: Option<&'static str>,
    since: Instant,
    shown: bool,
    stop: bool,
}

/// The progress bar; cloned handles share it.
#[derive(Clone)]
pub struct Ticker {
    counters: Arc<Progress>,
    bar: Option<(ProgressBar, Arc<Mutex<State>>)>,
}

impl Ticker {
    /// Starts the ticker thread if stderr is a terminal and `quiet` is off.
    pub fn start(quiet: bool) -> Ticker {
        let counters = Arc::new(Progress::default());
        if quiet || !std::io::stderr().is_terminal() {
            return Ticker {
                counters,
                bar: None,
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "{spinner} {prefix}: {msg} files, {binary_bytes} ({binary_bytes_per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        let state = Arc::new(Mutex::new(State {
            label: None,
            since: Instant::now(),
            shown: false,
            stop: false,
        }));
        let (shared, counts, drawn) = (state.clone(), counters.clone(), bar.clone());
        thread::spawn(move || {
            loop {
                thread::sleep(TICK);
                let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
                if s.stop {
                    break;
                }
                let Some(label) = s.label else { continue };
                if !s.shown && s.since.elapsed() >= DELAY {
                    drawn.set_prefix(label);
                    drawn.set_draw_target(ProgressDrawTarget::stderr());
                    s.shown = true;
                }
                if s.shown {
                    drawn.set_message(counts.files().to_string());
                    drawn.set_position(counts.bytes());
                    drawn.tick();
                }
            }
        });
        Ticker {
            counters,
            bar: Some((bar, state)),
        }
    }

    /// The counters to pass to the recorder.
    pub fn counters(&self) -> &Progress {
        &self.counters
    }

    /// Shows `label` (after the delay), or nothing for `None`; clears a drawn bar at once.
    pub fn show(&self, label: Option<&'static str>) {
        let Some((bar, state)) = &self.bar else {
            return;
        };
        let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
        if s.shown {
            // Clears the line while still drawing to stderr, then stops drawing.
            bar.finish_and_clear();
            bar.set_draw_target(ProgressDrawTarget::hidden());
            s.shown = false;
        }
        bar.reset();
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

    /// Clears the bar and stops the thread.
    pub fn finish(&self) {
        self.show(None);
        if let Some((bar, state)) = &self.bar {
            state.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
            bar.finish_and_clear();
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
    }
}
