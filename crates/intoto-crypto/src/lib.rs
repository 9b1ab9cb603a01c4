//! intoto-crypto
#![forbid(unsafe_code)]
