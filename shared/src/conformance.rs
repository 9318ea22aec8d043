//! The conformance suite every adapter set must pass (filled in below).
