//! # intoto-record
//!
//! Recording evidence for in-toto: run a step's command between recording its materials and
//! its products ([`run_step`]), build the [`Link`](intoto_model::Link) exactly as the Python
//! reference's `runlib` does, and write it signed ([`metadata::signed_file`], Metablock or
//! DSSE) or unsigned ([`metadata::unsigned_file`], `in-toto mock`). Two-part recording
//! ([`record_start`], [`record_stop`]) goes through the reference's
//! `.NAME.KEYID8.link-unfinished` file. Links are signed by a [`Signer`]: a private key, or
//! with the `gpg` feature a GnuPG key through the `gpg` program (Metablocks only).
//!
//! This crate sits between the hashing/crypto crates and `intoto-verify`: the verifier runs
//! inspections with the same runner ([`run_step`] without signing), and `intoto-hash` stays free
//! of process spawning.
//!
//! ```
//! use intoto_record::{Step, run_step, command::CommandOptions};
//! use intoto_model::StepName;
//! let step = Step {
//!     name: StepName::new("build").unwrap(),
//!     materials: vec![],
//!     products: vec![],
//!     command: vec!["sh".into(), "-c".into(), "exit 3".into()],
//!     artifacts: Default::default(),
//!     run: CommandOptions::default(),
//! };
//! let recording = run_step(&step, None).unwrap();
//! assert_eq!(recording.return_value(), Some(3));
//! ```
//!
//! Differences from the reference, on purpose:
//! - the command's output always reaches our stdout/stderr, also when streams are not
//!   recorded (the reference discards it then, in-toto#351);
//! - a timeout kills the command's whole process group, not only the command;
//! - captured output is bounded ([`command::CommandOptions::capture_limit`]); output that is not
//!   UTF-8 is stored with U+FFFD instead of failing.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod command;
mod error;
pub mod metadata;
mod signer;
mod step;
mod unfinished;

pub use error::{RecordError, Side};
pub use metadata::Wrapper;
pub use signer::Signer;
pub use step::{Phase, Recording, Step, python_text, run_step, run_step_observed};
pub use unfinished::{record_start, record_stop};

use intoto_hash::{Excludes, RecordOptions};
use intoto_model::StepName;

/// `in-toto mock`'s step: `.` as materials and products, streams recorded, the reference's
/// default excludes and timeout.
pub fn mock_step(name: StepName, command: Vec<String>) -> Step {
    Step {
        name,
        materials: vec![".".into()],
        products: vec![".".into()],
        command,
        artifacts: RecordOptions {
            excludes: Excludes::reference_defaults(),
            ..RecordOptions::default()
        },
        run: command::CommandOptions {
            record_streams: true,
            ..command::CommandOptions::default()
        },
    }
}
