pub mod chart;
pub mod format;
