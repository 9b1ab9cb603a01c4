//! Adversarial commands (issue 7): a step or inspection that never finishes, or that prints far
//! more than anyone should keep. Inspections run through this same runner.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

use std::time::Duration;

use intoto_record::{
    RecordError,
    command::{CommandOptions, run},
};

fn sh(
    script: &str,
    options: &CommandOptions,
) -> Result<intoto_record::command::CommandOutcome, RecordError> {
    run("t", &["sh".into(), "-c".into(), script.into()], options)
}

/// Whether `pid` is gone: no such process, or only a zombie waiting for its (new) parent.
fn is_gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // Third field: the state; `Z` (zombie) and `X` (dead) no longer run.
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
    }
}

#[test]
fn a_command_that_never_finishes_is_killed_with_its_whole_process_group() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("grandchild.pid");
    // The shell starts a background grandchild, records its pid, then sleeps itself.
    let script = format!(
        "sleep 1000 & echo $! > '{}'; sleep 1000",
        pid_file.display()
    );
    let options = CommandOptions {
        timeout: Some(Duration::from_secs(1)),
        echo: false,
        ..CommandOptions::default()
    };
    match sh(&script, &options) {
        Err(e @ RecordError::Timeout { seconds: 1, .. }) => {
            assert!(e.to_string().contains("was killed"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let pid = pid.trim();
    assert!(!pid.is_empty());
    // SIGKILL to the group is delivered at once; allow the kernel a moment to tear it down.
    let gone = (0..100).any(|_| {
        let gone = is_gone(pid);
        if !gone {
            std::thread::sleep(Duration::from_millis(20));
        }
        gone
    });
    assert!(gone, "grandchild {pid} survived the timeout");
}

#[test]
fn a_command_printing_hundreds_of_megabytes_is_captured_only_up_to_the_limit() {
    let limit = 1 << 20;
    let options = CommandOptions {
        record_streams: true,
        capture_limit: limit,
        echo: false,
        ..CommandOptions::default()
    };
    // 300 MB on stdout, 3 MB on stderr: both drained (no deadlock), each kept to the limit.
    let out = sh(
        "head -c 3000000 /dev/zero >&2 & yes | head -c 300000000; wait",
        &options,
    )
    .unwrap();
    assert_eq!(out.return_value, 0);
    assert_eq!(out.stdout.len(), limit);
    assert_eq!(out.stderr.len(), limit);
    assert!(out.truncated);
    assert!(out.stdout.starts_with(b"y\ny\n"));
}
