//! Running a step's command: output always reaches our stdout/stderr, and is also captured
//! (bounded) when streams are recorded; a timeout kills the command's whole process group.
//!
//! Each captured stream has its own reader thread (so a command that fills one pipe while we
//! read the other cannot deadlock us); the threads write what they read to our own stream at
//! once and keep up to [`CommandOptions::capture_limit`] bytes. Without stream recording the
//! command inherits our stdout and stderr and nothing is captured.

use std::{
    io::{self, Read, Write},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{Arc, Mutex, PoisonError, mpsc},
    thread,
    time::{Duration, Instant},
};

use crate::RecordError;

/// How to run the command.
#[derive(Debug, Clone)]
pub struct CommandOptions {
    /// Capture stdout and stderr (the reference's `--record-streams`).
    pub record_streams: bool,
    /// Kill the command (and its process group) after this long; `None`: no limit.
    pub timeout: Option<Duration>,
    /// Most bytes kept per captured stream; the rest still reaches the terminal.
    pub capture_limit: usize,
    /// Pass the command's output on to our stdout/stderr (default `true`). Off, the output is
    /// only captured (or discarded, without stream recording), as the reference's inspections.
    pub echo: bool,
}

impl Default for CommandOptions {
    fn default() -> Self {
        CommandOptions {
            record_streams: false,
            timeout: Some(Duration::from_secs(10)),
            capture_limit: 64 << 20,
            echo: true,
        }
    }
}

/// What the command left behind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutcome {
    /// Exit code, or the negated signal number as Python reports it (`-9`).
    pub return_value: i64,
    /// Captured stdout (empty unless streams are recorded).
    pub stdout: Vec<u8>,
    /// Captured stderr (empty unless streams are recorded).
    pub stderr: Vec<u8>,
    /// Whether a captured stream hit the capture limit.
    pub truncated: bool,
}

/// After the command exits, how long to wait for background children still holding the pipes.
const DRAIN_GRACE: Duration = Duration::from_millis(300);

/// Runs `argv` for step `step`.
pub fn run(
    step: &str,
    argv: &[String],
    options: &CommandOptions,
) -> Result<CommandOutcome, RecordError> {
    let Some(program) = argv.first() else {
        return Err(RecordError::EmptyCommand { step: step.into() });
    };
    let mut cmd = Command::new(program);
    cmd.args(&argv[1..]);
    #[cfg(unix)]
    {
        // Its own process group, so that a timeout can kill everything it started.
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    if options.record_streams {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    } else if !options.echo {
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
    }
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|source| RecordError::Spawn {
        step: step.into(),
        program: program.clone(),
        source,
    })?;
    let (tx, rx) = mpsc::channel::<()>();
    let limit = options.capture_limit;
    let out = Arc::new(Mutex::new(Captured::default()));
    let err = Arc::new(Mutex::new(Captured::default()));
    let mut readers = 0;
    let sink = |w: Box<dyn Write + Send>| {
        if options.echo {
            w
        } else {
            Box::new(io::sink())
        }
    };
    if let Some(s) = child.stdout.take() {
        tee(
            s,
            sink(Box::new(io::stdout())),
            limit,
            out.clone(),
            tx.clone(),
        );
        readers += 1;
    }
    if let Some(s) = child.stderr.take() {
        tee(
            s,
            sink(Box::new(io::stderr())),
            limit,
            err.clone(),
            tx.clone(),
        );
        readers += 1;
    }
    drop(tx);
    let status = wait(&mut child, started, options.timeout).map_err(|e| match e {
        WaitError::Timeout(limit) => RecordError::Timeout {
            step: step.into(),
            program: program.clone(),
            seconds: limit.as_secs(),
        },
        WaitError::Io(source) => RecordError::Wait {
            step: step.into(),
            program: program.clone(),
            source,
        },
    })?;
    let deadline = Instant::now() + DRAIN_GRACE;
    for _ in 0..readers {
        let left = deadline.saturating_duration_since(Instant::now());
        // A background child may keep a pipe open; we do not wait for it beyond the grace,
        // and keep what was read until then.
        if rx.recv_timeout(left).is_err() {
            break;
        }
    }
    let take = |c: &Arc<Mutex<Captured>>| {
        std::mem::take(&mut *c.lock().unwrap_or_else(PoisonError::into_inner))
    };
    let (out, err) = (take(&out), take(&err));
    Ok(CommandOutcome {
        return_value: return_value(status),
        truncated: out.truncated || err.truncated,
        stdout: out.bytes,
        stderr: err.bytes,
    })
}

/// What a reader thread kept of one stream.
#[derive(Default)]
struct Captured {
    bytes: Vec<u8>,
    truncated: bool,
}

/// Copies `source` to `sink` as it arrives, keeping up to `limit` bytes in `kept`; signals
/// `done` at end of stream.
fn tee<R, W>(
    mut source: R,
    mut sink: W,
    limit: usize,
    kept: Arc<Mutex<Captured>>,
    done: mpsc::Sender<()>,
) where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    thread::spawn(move || {
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = match source.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            // The terminal going away must not stop the capture.
            let _ = sink.write_all(&buf[..n]).and_then(|()| sink.flush());
            let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
            let room = limit.saturating_sub(kept.bytes.len());
            kept.bytes.extend_from_slice(&buf[..n.min(room)]);
            kept.truncated |= n > room;
        }
        let _ = done.send(());
    });
}

enum WaitError {
    Timeout(Duration),
    Io(io::Error),
}

/// Waits for the child, killing its process group when the timeout passes.
fn wait(
    child: &mut Child,
    started: Instant,
    timeout: Option<Duration>,
) -> Result<ExitStatus, WaitError> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait().map_err(WaitError::Io)? {
            return Ok(status);
        }
        if let Some(limit) = timeout
            && started.elapsed() >= limit
        {
            kill_group(child);
            let _ = child.wait();
            return Err(WaitError::Timeout(limit));
        }
        thread::sleep(pause);
        // Poll quickly for short commands, then back off to 50 ms.
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        let pid = rustix::process::Pid::from_child(child);
        if rustix::process::kill_process_group(pid, rustix::process::Signal::KILL).is_ok() {
            return;
        }
    }
    let _ = child.kill();
}

/// Python's `returncode`: the exit code, or minus the signal that ended the process.
fn return_value(status: ExitStatus) -> i64 {
    if let Some(code) = status.code() {
        return i64::from(code);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return -i64::from(signal);
        }
    }
    -1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, options: &CommandOptions) -> Result<CommandOutcome, RecordError> {
        run("t", &["sh".into(), "-c".into(), script.into()], options)
    }

    fn recording() -> CommandOptions {
        CommandOptions {
            record_streams: true,
            ..CommandOptions::default()
        }
    }

    #[test]
    fn captures_both_streams_and_the_exit_code() {
        let out = sh("printf out; printf err >&2; exit 3", &recording()).unwrap();
        assert_eq!(out.stdout, b"out");
        assert_eq!(out.stderr, b"err");
        assert_eq!(out.return_value, 3);
    }

    #[test]
    fn large_output_on_both_pipes_does_not_deadlock_and_is_bounded() {
        let options = CommandOptions {
            capture_limit: 1000,
            echo: false,
            ..recording()
        };
        let script = "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2";
        let out = sh(script, &options).unwrap();
        assert_eq!(out.stdout.len(), 1000);
        assert!(out.truncated);
    }

    #[test]
    fn signals_are_negative_return_values() {
        let out = sh("kill -9 $$", &CommandOptions::default()).unwrap();
        assert_eq!(out.return_value, -9);
    }

    #[test]
    fn timeout_kills_the_process_group() {
        let options = CommandOptions {
            timeout: Some(Duration::from_millis(300)),
            ..recording()
        };
        let started = Instant::now();
        let err = sh("sleep 30 & sleep 30", &options).unwrap_err();
        assert!(matches!(err, RecordError::Timeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let err = run(
            "t",
            &["/no/such/program".into()],
            &CommandOptions::default(),
        )
        .unwrap_err();
        assert!(
            matches!(err, RecordError::Spawn { ref program, .. } if program == "/no/such/program")
        );
    }

    #[test]
    fn background_children_holding_the_pipe_do_not_block() {
        let started = Instant::now();
        let out = sh("(sleep 5) & echo hi", &recording()).unwrap();
        assert_eq!(out.return_value, 0);
        assert_eq!(out.stdout, b"hi\n");
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}
