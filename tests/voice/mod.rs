//! Helpers of the voice tests (telephony, player pacing, VAD): a counting allocator and
//! signal measurements.
#![allow(dead_code)]

pub mod alloc_count;
pub mod signal;
pub mod speech;
