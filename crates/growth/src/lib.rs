//! WHO 2006 growth standards (placeholder, being written).
