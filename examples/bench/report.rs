//! Result rows, statistics, and the table and JSON summary.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a row must meet.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub enum Target {
    /// ours / raw at most this.
    RatioMax(f64),
    /// ours / raw at least this.
    RatioMin(f64),
    /// ours at most this (in the row's unit).
    Max(f64),
    /// ours at least this.
    Min(f64),
    /// ours minus raw (the time we add over the floor) at most this, in the row's unit.
    AddedMax(f64),
    /// No target: for information.
    Info,
}

/// One measured figure, ours and (where there is one) the raw floor's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub scenario: String,
    pub metric: String,
    pub unit: String,
    pub ours: Option<f64>,
    pub raw: Option<f64>,
    pub target: Target,
}

impl Row {
    pub fn new(scenario: &str, metric: &str, unit: &str, target: Target) -> Row {
        Row {
            scenario: scenario.into(),
            metric: metric.into(),
            unit: unit.into(),
            ours: None,
            raw: None,
            target,
        }
    }
    pub fn ours(mut self, v: f64) -> Row {
        self.ours = Some(v);
        self
    }
    pub fn raw(mut self, v: f64) -> Row {
        self.raw = Some(v);
        self
    }
    pub fn both(self, ours: f64, raw: f64) -> Row {
        self.ours(ours).raw(raw)
    }
    pub fn ratio(&self) -> Option<f64> {
        match (self.ours, self.raw) {
            (Some(o), Some(r)) if r > 0.0 => Some(o / r),
            _ => None,
        }
    }
    /// Whether the target is met (`None`: no target, or a figure is missing).
    pub fn pass(&self) -> Option<bool> {
        match self.target {
            Target::RatioMax(x) => self.ratio().map(|r| r <= x),
            Target::RatioMin(x) => self.ratio().map(|r| r >= x),
            Target::Max(x) => self.ours.map(|o| o <= x),
            Target::Min(x) => self.ours.map(|o| o >= x),
            Target::AddedMax(x) => match (self.ours, self.raw) {
                (Some(o), Some(r)) => Some(o - r <= x),
                _ => None,
            },
            Target::Info => None,
        }
    }
    pub fn target_text(&self) -> String {
        match self.target {
            Target::RatioMax(x) => format!("ratio <= {x}"),
            Target::RatioMin(x) => format!("ratio >= {x}"),
            Target::Max(x) => format!("<= {}", fmt(x)),
            Target::Min(x) => format!(">= {}", fmt(x)),
            Target::AddedMax(x) => format!("raw + {}", fmt(x)),
            Target::Info => String::new(),
        }
    }
    /// Prints the row for the parent process to collect.
    pub fn emit(&self) {
        println!("ROW {}", serde_json::to_string(self).unwrap_or_default());
    }
}

/// A number with sensible precision.
pub fn fmt(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.1 {
        format!("{v:.3}")
    } else {
        format!("{v:.5}")
    }
}

/// Microseconds of a duration as f64.
pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The `q` quantile (nearest rank) of the samples.
pub fn quantile(samples: &[Duration], q: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let mut v = samples.to_vec();
    v.sort_unstable();
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

pub fn median(samples: &[Duration]) -> Duration {
    quantile(samples, 0.5)
}

/// Merges rows of the same scenario and metric (ours and raw may come from different runs).
pub fn merge(rows: Vec<Row>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for r in rows {
        match out
            .iter_mut()
            .find(|o| o.scenario == r.scenario && o.metric == r.metric)
        {
            Some(o) => {
                o.ours = o.ours.or(r.ours);
                o.raw = o.raw.or(r.raw);
                if o.target == Target::Info {
                    o.target = r.target;
                }
            }
            None => out.push(r),
        }
    }
    out
}

/// The Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut s = String::from(
        "| scenario | metric | unit | ours | raw floor | ours/raw | target | met |\n\
         |---|---|---|---:|---:|---:|---|---|\n",
    );
    for r in rows {
        let opt = |v: Option<f64>| v.map(fmt).unwrap_or_else(|| "-".into());
        let met = match r.pass() {
            Some(true) => "yes",
            Some(false) => "**NO**",
            None => "",
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.scenario,
            r.metric,
            r.unit,
            opt(r.ours),
            opt(r.raw),
            r.ratio()
                .map(|x| format!("{x:.2}"))
                .unwrap_or_else(|| "-".into()),
            r.target_text(),
            met
        ));
    }
    s
}

/// Issue 20's three bench goals, plainly, from the rows of this run (those present).
pub fn goals(rows: &[Row]) -> String {
    let find = |scenario: &str, metric: &str| {
        rows.iter()
            .find(|r| r.scenario.starts_with(scenario) && r.metric.starts_with(metric))
    };
    let met = |r: &Row| match r.pass() {
        Some(true) => "met",
        Some(false) => "NOT MET",
        None => "-",
    };
    let ratio = |r: &Row| r.ratio().map_or("-".into(), |x| format!("{x:.2}"));
    let mut s = String::new();
    if let Some(r) = find("3c full duplex", "CPU per audio minute, median") {
        s.push_str(&format!(
            "- full duplex, CPU per real-time audio minute: ours/raw {} (goal <= 1.1): {}\n",
            ratio(r),
            met(r)
        ));
    }
    if let Some(r) = find("3 audio upload, flat out", "chunks per second") {
        s.push_str(&format!(
            "- upload throughput, flat out: ours/raw {} (goal >= 1): {}\n",
            ratio(r),
            met(r)
        ));
    }
    if let Some(r) = find("4 send path, inbound flood", "send -> flush p99") {
        let opt = |v: Option<f64>| v.map(|x| fmt(x / 1000.0)).unwrap_or_else(|| "-".into());
        s.push_str(&format!(
            "- send path p99 under an inbound flood: {} ms (goal <= 5 ms; the floor's {} ms): {}\n",
            opt(r.ours),
            opt(r.raw),
            met(r)
        ));
    }
    if s.is_empty() {
        return s;
    }
    format!("Issue 20's bench goals, against the raw floor in this run:\n{s}")
}
