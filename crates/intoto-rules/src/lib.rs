//! intoto-rules
#![forbid(unsafe_code)]
