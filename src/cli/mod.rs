//! The command line: thin wrappers over the same storage the web pages use.
pub mod backup;
pub mod demo;
pub mod import;
pub mod nightly;
pub mod ops;
pub mod package;
pub mod plan;
pub mod province;
pub mod report;
pub mod report_documents;
pub mod serve;

/// A progress bar on a terminal; hidden when output goes to a file or CI.
pub fn progress(len: Option<u64>, what: &str) -> indicatif::ProgressBar {
    let pb = match len {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let style = if len.is_some() {
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} ({per_sec}, còn {eta})",
        )
    } else {
        indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} ({per_sec})")
    };
    if let Ok(style) = style {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}
