//! intoto-verify
#![forbid(unsafe_code)]
