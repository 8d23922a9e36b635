//! The command line: thin wrappers over the same storage the web pages use.
pub mod backup;
pub mod communes;
pub mod demo;
pub mod import;
pub mod nightly;
pub mod ops;
pub mod package;
pub mod plan;
pub mod progress;
pub mod province;
pub mod report;
pub mod report_documents;
pub mod serve;

/// A long command's progress: a bar on a terminal, plain lines otherwise.
pub fn progress(len: Option<u64>, what: &str) -> progress::Progress {
    progress::Progress::new(len, what)
}
