//! sea-orm entities, one module per table. Column types mirror `migrations/`.

pub mod account;
pub mod agreement;
pub mod api_token;
pub mod application;
pub mod audit_case;
pub mod audit_entry;
pub mod booking;
pub mod booking_day;
pub mod capacity_override;
pub mod care_case;
pub mod contract;
pub mod demand;
pub mod event;
pub mod facility;
pub mod facility_closure;
pub mod facility_service;
pub mod issued_statement;
pub mod lottery_draw;
pub mod municipality;
pub mod prefecture;
pub mod prefecture_top_up;
pub mod price_group;
pub mod priced_use;
pub mod program;
pub mod slot;
pub mod waitlist_entry;
