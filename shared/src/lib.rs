//! chat-core: the chat domain, its ports, the services over them, the HTTP plumbing every
//! function shares, and the adapters (embedded SQLite today).

pub mod config;
pub mod conformance;
pub mod domain;
pub mod embedded;
pub mod fixture;
pub mod http;
pub mod ports;
pub mod service;

pub use domain::error::{Error, Result};
