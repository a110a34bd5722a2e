//! The two-way interface with the regional consortium: its provider feed
//! as JSON as well as CSV, Hearth's register written in the same format,
//! and the placement data the consortium needs for sufficiency analysis.
//!
//! The JSON feed is an array of objects whose keys are the CSV columns
//! ([`FEED_COLUMNS`](crate::exchange::FEED_COLUMNS)); `for_profit` may be a
//! boolean or `"yes"`/`"no"`, numbers may be numbers or strings, and a
//! missing key or `null` is an empty field. Problems name the item (its
//! 1-based position) and the key.
//!
//! The placements export carries no names or identifiers of children: each
//! child is a pseudonymous reference that is stable across exports from
//! the same council, and dates of birth are reduced to the age at start.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;
use time::Date;

use crate::exchange::{provider_from_fields, FeedError, FeedProvider, FEED_COLUMNS};

/// Reads a JSON feed, all or nothing.
pub fn read_feed_json(text: &str) -> Result<Vec<FeedProvider>, Vec<FeedError>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![FeedError {
            unit: "line",
            line: e.line(),
            column: e.column().to_string(),
            message: format!("not valid JSON: {e}"),
        }]
    })?;
    let Value::Array(items) = value else {
        return Err(vec![FeedError::whole_file("expected a JSON array of providers")]);
    };
    let mut errors = Vec::new();
    let mut providers = Vec::new();
    let mut seen = HashSet::new();
    for (index, item) in items.iter().enumerate() {
        let position = index + 1;
        let Value::Object(map) = item else {
            errors.push(FeedError {
                unit: "item",
                line: position,
                column: "-".into(),
                message: "expected an object".into(),
            });
            continue;
        };
        let fields: Vec<String> = FEED_COLUMNS
            .iter()
            .map(|key| match map.get(*key) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
                Some(other) => other.to_string(),
            })
            .collect();
        if let Some(provider) = provider_from_fields("item", position, &fields, &mut errors) {
            if !seen.insert(provider.provider_ref.clone()) {
                errors.push(FeedError {
                    unit: "item",
                    line: position,
                    column: "provider_ref".into(),
                    message: format!("provider reference '{}' appears twice", provider.provider_ref),
                });
            }
            providers.push(provider);
        }
    }
    if errors.is_empty() {
        Ok(providers)
    } else {
        Err(errors)
    }
}

/// Quotes a CSV field when it holds a comma, quote or line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv_line(fields: &[String]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// Writes providers in the feed's CSV format (what [`crate::exchange::read_feed`] reads).
pub fn write_feed(providers: &[FeedProvider]) -> String {
    let header: Vec<String> = FEED_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let mut text = csv_line(&header);
    for p in providers {
        let (framework, lot, tier) = match &p.framework {
            Some((f, l, t)) => (f.clone(), l.clone(), t.to_string()),
            None => Default::default(),
        };
        text.push_str(&csv_line(&[
            p.provider_ref.clone(),
            p.legal_name.clone(),
            p.companies_house_number.clone().unwrap_or_default(),
            p.charity_number.clone().unwrap_or_default(),
            p.provider_type.code().to_owned(),
            if p.for_profit { "yes" } else { "no" }.to_owned(),
            p.legal_form.code().to_owned(),
            framework,
            lot,
            tier,
            p.accreditation.code().to_owned(),
            p.accredited_until.map(kernel::dates::format_iso_date).unwrap_or_default(),
            p.weekly_rate_pence.map(|r| r.to_string()).unwrap_or_default(),
        ]));
    }
    text
}

/// One placement as the consortium receives it (DfE placements data
/// standard fields that Hearth holds), with no names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacementRecord {
    pub placement_ref: i64,
    /// Pseudonymous: Hearth's own child number, never the council's child
    /// id, UPN or NHS number.
    pub child_ref: String,
    pub age_at_start: u8,
    pub sex: String,
    pub placement_type: String,
    pub provider_ref: String,
    pub urn: String,
    pub setting_local_authority: String,
    #[serde(with = "iso_date")]
    pub start_date: Date,
    #[serde(with = "iso_date_option")]
    pub end_date: Option<Date>,
    pub weekly_cost_pence: i64,
    /// `framework` or `spot`.
    pub route: String,
    pub tier: String,
    pub out_of_area: bool,
}

/// The export's CSV columns, in order.
pub const PLACEMENT_COLUMNS: [&str; 14] = [
    "placement_ref",
    "child_ref",
    "age_at_start",
    "sex",
    "placement_type",
    "provider_ref",
    "urn",
    "setting_local_authority",
    "start_date",
    "end_date",
    "weekly_cost_pence",
    "route",
    "tier",
    "out_of_area",
];

/// Writes the placements export as CSV.
pub fn write_placements_csv(records: &[PlacementRecord]) -> String {
    let header: Vec<String> = PLACEMENT_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let mut text = csv_line(&header);
    for r in records {
        text.push_str(&csv_line(&[
            r.placement_ref.to_string(),
            r.child_ref.clone(),
            r.age_at_start.to_string(),
            r.sex.clone(),
            r.placement_type.clone(),
            r.provider_ref.clone(),
            r.urn.clone(),
            r.setting_local_authority.clone(),
            kernel::dates::format_iso_date(r.start_date),
            r.end_date.map(kernel::dates::format_iso_date).unwrap_or_default(),
            r.weekly_cost_pence.to_string(),
            r.route.clone(),
            r.tier.clone(),
            if r.out_of_area { "yes" } else { "no" }.to_owned(),
        ]));
    }
    text
}

/// Writes the placements export as a JSON array.
pub fn write_placements_json(records: &[PlacementRecord]) -> String {
    serde_json::to_string_pretty(records).unwrap_or_else(|_| "[]".to_owned())
}

mod iso_date {
    use serde::Serializer;
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&kernel::dates::format_iso_date(*date))
    }
}

mod iso_date_option {
    use serde::Serializer;
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => serializer.serialize_str(&kernel::dates::format_iso_date(*d)),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::{read_feed, records};
    use time::macros::date;

    const FEED: &str = "provider_ref,legal_name,companies_house_number,charity_number,provider_type,for_profit,legal_form,framework,lot,tier,accreditation,accredited_until,weekly_rate_pence\r\n\
4C-001,\"Brightwater Care, Ltd\",01234567,,PR4,yes,company-limited-by-shares,4Cs Residential,Lot 1,2,accredited,2027-03-31,520000\r\n\
4C-002,\"The \"\"Hope\"\" Trust\",,1098765,PR5,no,charitable-incorporated-organisation,,,,conditional,,\r\n";

    #[test]
    fn the_csv_feed_round_trips_byte_for_byte() {
        let providers = read_feed(FEED).unwrap();
        assert_eq!(write_feed(&providers), FEED);
        assert_eq!(read_feed(&write_feed(&providers)).unwrap(), providers);
    }

    #[test]
    fn the_json_feed_reads_the_same_providers() {
        let json = r#"[
          {"provider_ref": "4C-001", "legal_name": "Brightwater Care, Ltd", "companies_house_number": "01234567",
           "provider_type": "PR4", "for_profit": true, "legal_form": "company-limited-by-shares",
           "framework": "4Cs Residential", "lot": "Lot 1", "tier": 2, "accreditation": "accredited",
           "accredited_until": "2027-03-31", "weekly_rate_pence": 520000},
          {"provider_ref": "4C-002", "legal_name": "The \"Hope\" Trust", "charity_number": "1098765", "provider_type": "PR5",
           "for_profit": "no", "legal_form": "charitable-incorporated-organisation", "accreditation": "conditional",
           "framework": null}
        ]"#;
        assert_eq!(read_feed_json(json).unwrap(), read_feed(FEED).unwrap());
    }

    #[test]
    fn a_malformed_json_feed_names_the_item_and_key_and_reads_nothing() {
        let errors = read_feed_json(
            r#"[{"provider_ref": "A", "legal_name": "X", "provider_type": "PR4", "for_profit": "no",
            "legal_form": "company-limited-by-shares", "accreditation": "accredited"}, 7,
            {"provider_ref": "A", "legal_name": "Y", "provider_type": "PR4", "for_profit": "no",
            "legal_form": "trust", "accreditation": "accredited", "tier": 3, "framework": "F",
            "weekly_rate_pence": 400000}]"#,
        )
        .unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages[0], "item 2, column -: expected an object", "{messages:?}");
        assert!(
            messages[1].starts_with("item 3, column legal_form: expected one of"),
            "{messages:?}"
        );
        assert_eq!(messages.len(), 2);
        assert!(read_feed_json("{\"not\": \"an array\"}").unwrap_err()[0].message.contains("array"));
        let broken = read_feed_json("[{\"provider_ref\": }]").unwrap_err();
        assert_eq!((broken[0].line, broken[0].column.as_str()), (1, "19"));
    }

    fn record() -> PlacementRecord {
        PlacementRecord {
            placement_ref: 91,
            child_ref: "H-4411".into(),
            age_at_start: 14,
            sex: "F".into(),
            placement_type: "childrens-home".into(),
            provider_ref: "4C-001".into(),
            urn: "SC123456".into(),
            setting_local_authority: "Caerphilly".into(),
            start_date: date!(2026 - 05 - 01),
            end_date: None,
            weekly_cost_pence: 520_000,
            route: "framework".into(),
            tier: "2".into(),
            out_of_area: true,
        }
    }

    #[test]
    fn the_placements_export_reads_back_field_for_field() {
        let csv = write_placements_csv(&[record()]);
        let rows = records(&csv).unwrap();
        assert_eq!(rows[0].1, PLACEMENT_COLUMNS);
        assert_eq!(
            rows[1].1,
            [
                "91",
                "H-4411",
                "14",
                "F",
                "childrens-home",
                "4C-001",
                "SC123456",
                "Caerphilly",
                "2026-05-01",
                "",
                "520000",
                "framework",
                "2",
                "yes"
            ]
        );
        let json: serde_json::Value = serde_json::from_str(&write_placements_json(&[record()])).unwrap();
        assert_eq!(json[0]["start_date"], "2026-05-01");
        assert_eq!(json[0]["end_date"], serde_json::Value::Null);
        assert_eq!(json[0].as_object().unwrap().len(), 14);
    }
}
