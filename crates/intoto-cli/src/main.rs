//! `in-toto`: create, sign and verify in-toto supply-chain metadata.
#![forbid(unsafe_code)]

use std::process::ExitCode;

/// mimalloc instead of the system allocator: `in-toto verify` on links of 10,000 artifacts
/// spent a third of its instructions in glibc's malloc and free (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    intoto_cli::main()
}
