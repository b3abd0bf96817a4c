//! Coverage (the share of births within reach of a facility) and what-if analysis of new sites.

use std::collections::BTreeMap;

use geo::{BoundingRect, Contains, MultiPolygon, Point};
use sango_domain::{Coordinates, LgCode};
use sango_spatial::FacilityIndex;
use serde::{Deserialize, Serialize};

use crate::model::{Demand, PlanOptions, Supply};
use crate::plan::plan;

/// The share of each municipality's births within `km` (great-circle, inclusive) of some facility.
///
/// `births` holds (municipality, point, births) rows; a municipality may have several points to
/// spread its births over, and its share is the births at covered points over all its births. A
/// municipality whose rows all hold zero births gets the share of its points that are covered.
/// One entry per municipality, by code.
pub fn coverage(
    births: &[(LgCode, Coordinates, u32)],
    facilities: &[Coordinates],
    km: f64,
) -> Vec<(LgCode, f64)> {
    let index = FacilityIndex::new(facilities.iter().enumerate().map(|(i, at)| (i as i64, *at)));
    // (covered births, births, covered points, points)
    let mut per: BTreeMap<LgCode, (u64, u64, u64, u64)> = BTreeMap::new();
    for &(m, at, n) in births {
        let covered = km >= 0.0 && !index.nearest(at, km, 1, |_| true).is_empty();
        let e = per.entry(m).or_default();
        e.1 += u64::from(n);
        e.3 += 1;
        if covered {
            e.0 += u64::from(n);
            e.2 += 1;
        }
    }
    per.into_iter()
        .map(|(m, (cb, b, cp, p))| {
            let share = if b > 0 {
                cb as f64 / b as f64
            } else {
                cp as f64 / p as f64
            };
            (m, share)
        })
        .collect()
}

/// A municipality's births spread over its area: the points of an `n` × `n` grid over its
/// bounding box that lie inside it, each with an equal share (the remainder going one each to the
/// first points, in grid order), or its centre alone when no grid point falls inside. Rows for
/// [`coverage`]; geometry in (x, y) = (lon, lat).
pub fn spread_births(
    m: LgCode,
    shape: &MultiPolygon<f64>,
    centre: Coordinates,
    births: u32,
    n: u32,
) -> Vec<(LgCode, Coordinates, u32)> {
    let mut points = Vec::new();
    if let Some(r) = shape.bounding_rect() {
        let n = n.max(1);
        let (w, h) = (r.width() / f64::from(n), r.height() / f64::from(n));
        for i in 0..n {
            for j in 0..n {
                let (lon, lat) = (
                    r.min().x + (f64::from(i) + 0.5) * w,
                    r.min().y + (f64::from(j) + 0.5) * h,
                );
                if shape.contains(&Point::new(lon, lat)) {
                    points.push(Coordinates { lat, lon });
                }
            }
        }
    }
    if points.is_empty() {
        points.push(centre);
    }
    let k = points.len() as u32;
    points
        .into_iter()
        .enumerate()
        .map(|(i, at)| (m, at, births / k + u32::from((i as u32) < births % k)))
        .collect()
}

/// The plan's totals without and with a new supply.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WhatIf {
    pub unmet_before: u64,
    pub unmet_after: u64,
    /// Total mother-km of the optimal plan without the new supply.
    pub km_before: f64,
    /// Total mother-km with it (can be higher: more mothers are placed).
    pub km_after: f64,
}

impl WhatIf {
    /// Mothers the new supply lets the plan place (never negative).
    pub fn unmet_reduced(&self) -> u64 {
        self.unmet_before.saturating_sub(self.unmet_after)
    }

    /// Mother-km saved (negative when the extra mothers placed travel more in total).
    pub fn km_saved(&self) -> f64 {
        self.km_before - self.km_after
    }
}

/// The optimal plan's unmet mothers and mother-km without and with `new` added to `supplies`.
///
/// With `contracted_only`, the new supply is usable only by municipalities that
/// `options.contracted` pairs with its facility id.
pub fn what_if(
    demands: &[Demand],
    supplies: &[Supply],
    options: &PlanOptions,
    new: Supply,
) -> WhatIf {
    let before = plan(demands, supplies, options);
    after(
        demands,
        supplies,
        options,
        new,
        before.unmet_total(),
        before.total_mother_km,
    )
}

/// Every candidate's [`WhatIf`], best first: most unmet mothers placed, then most mother-km
/// saved, then candidate index. The base plan is solved once; each candidate is one more plan.
pub fn rank_sites(
    demands: &[Demand],
    supplies: &[Supply],
    options: &PlanOptions,
    candidates: &[Supply],
) -> Vec<(usize, WhatIf)> {
    let before = plan(demands, supplies, options);
    let (unmet, km) = (before.unmet_total(), before.total_mother_km);
    let mut ranked: Vec<(usize, WhatIf)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (i, after(demands, supplies, options, *c, unmet, km)))
        .collect();
    ranked.sort_by(|(ia, a), (ib, b)| {
        (b.unmet_reduced().cmp(&a.unmet_reduced()))
            .then(b.km_saved().total_cmp(&a.km_saved()))
            .then(ia.cmp(ib))
    });
    ranked
}

fn after(
    demands: &[Demand],
    supplies: &[Supply],
    options: &PlanOptions,
    new: Supply,
    unmet_before: u64,
    km_before: f64,
) -> WhatIf {
    let mut with = supplies.to_vec();
    with.push(new);
    let p = plan(demands, &with, options);
    WhatIf {
        unmet_before,
        unmet_after: p.unmet_total(),
        km_before,
        km_after: p.total_mother_km,
    }
}
