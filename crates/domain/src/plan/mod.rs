//! The yearly plan (kế hoạch) as data (being written).
