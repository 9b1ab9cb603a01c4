//! intoto-hash
#![forbid(unsafe_code)]
