//! All integration tests in one binary: storage conformance on every backend, the HTTP API,
//! and the command line. PostgreSQL runs when TREEM_TEST_DATABASE_URL is set.
mod account_names;
mod accounts;
mod activities;
mod api;
mod assess;
mod backups;
mod browser;
mod budget;
mod case_forms;
mod case_pages;
mod case_security;
mod cases;
mod citus;
mod cli;
mod communes;
mod concurrency;
mod demo_past;
mod disclosure;
mod drills;
mod field;
mod field_words;
mod fuzz_corpus;
mod hazards;
mod health;
mod health_fix;
mod helpers;
mod import_parts;
mod limits;
mod modules;
mod offline;
pub mod pages;
mod paper;
mod periods;
mod phone;
mod plans;
mod province;
mod province_pages;
mod register_links;
mod report_documents;
mod report_feed;
mod reports;
mod search;
mod storage;
mod supports;
mod tamper;
mod transport;
mod upgrade;
mod walk;
mod work;
mod workpages;

/// dd/mm/yyyy, as the forms take dates.
pub fn i18n_date(d: jiff::civil::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}
