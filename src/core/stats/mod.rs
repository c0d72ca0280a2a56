//! Statistics over outcome cells: the bootstrap, the binomial draws it is
//! made of, and the intervals read off its replicates.

pub mod binomial;
pub mod bootstrap;
pub mod cluster_t;
pub mod cluster_terms;
pub mod histogram;
pub mod interval;
pub mod leaderboard;
pub mod plan;
pub mod ranks;
pub mod scaled_terms;
pub mod student_t;
