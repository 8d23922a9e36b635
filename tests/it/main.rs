//! All integration tests in one binary: storage conformance on every backend, the HTTP API,
//! and the command line. PostgreSQL runs when TREEM_TEST_DATABASE_URL is set.
mod api;
mod browser;
mod case_forms;
mod case_pages;
mod cases;
mod cli;
mod fuzz_corpus;
mod health;
mod helpers;
pub mod pages;
mod plans;
mod storage;
mod upgrade;
mod walk;

/// dd/mm/yyyy, as the forms take dates.
pub fn i18n_date(d: jiff::civil::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}
