//! The provider register: organisations, their settings, and the checks a
//! commissioning officer's entries must pass.
//!
//! An organisation has a legal identity (Companies House or charity number,
//! legal form, for-profit flag, which Wales's 2026–2030 not-for-profit rules
//! turn on). A setting is a place or service that is registered (or not)
//! with Ofsted or CIW, inspected and graded, with a capacity, an age range
//! and the needs its statement of purpose says it meets.

use placements::PlacementCategory;
use serde::{Deserialize, Serialize};
use time::Date;

kernel::coded!(
    /// The organisation's legal form.
    LegalForm {
        CompanyLimitedByShares = "company-limited-by-shares", "Company limited by shares";
        CompanyLimitedByGuarantee = "company-limited-by-guarantee", "Company limited by guarantee";
        CommunityInterestCompany = "community-interest-company", "Community interest company";
        CharitableIncorporatedOrganisation = "charitable-incorporated-organisation", "Charitable incorporated organisation";
        RegisteredSociety = "registered-society", "Co-operative or community benefit society";
        Partnership = "partnership", "Partnership";
        SoleTrader = "sole-trader", "Sole trader";
        PublicBody = "public-body", "Public body";
    }
);

impl LegalForm {
    /// The forms Wales's Health and Social Care (Wales) Act 2025 accepts
    /// for not-for-profit providers of children's care (with public bodies).
    pub fn is_wales_not_for_profit_form(self) -> bool {
        matches!(
            self,
            LegalForm::CompanyLimitedByGuarantee
                | LegalForm::CommunityInterestCompany
                | LegalForm::CharitableIncorporatedOrganisation
                | LegalForm::RegisteredSociety
                | LegalForm::PublicBody
        )
    }
}

kernel::coded!(
    /// Who regulates a setting.
    Regulator {
        Ofsted = "ofsted", "Ofsted";
        Ciw = "ciw", "Care Inspectorate Wales";
        None = "none", "Not regulated";
    }
);

kernel::coded!(
    /// What kind of setting or service it is.
    SettingType {
        ChildrensHome = "childrens-home", "Children's home";
        FosteringAgency = "fostering-agency", "Independent fostering agency";
        SupportedAccommodation = "supported-accommodation", "Supported accommodation (16–17)";
        ResidentialSchool = "residential-school", "Residential special school";
        SecureHome = "secure-home", "Secure children's home";
        FamilyCentre = "family-centre", "Residential family centre";
        Unregistered = "unregistered", "Unregistered provision";
    }
);

impl SettingType {
    /// The placement categories a setting of this type provides.
    pub fn categories(self) -> &'static [PlacementCategory] {
        match self {
            SettingType::ChildrensHome | SettingType::ResidentialSchool => &[PlacementCategory::ChildrensHome],
            SettingType::FosteringAgency => &[PlacementCategory::IndependentFoster],
            SettingType::SupportedAccommodation => &[PlacementCategory::SupportedAccommodation],
            SettingType::SecureHome => &[PlacementCategory::Secure],
            SettingType::FamilyCentre => &[PlacementCategory::Other],
            SettingType::Unregistered => &[PlacementCategory::Bespoke],
        }
    }

    /// Children's homes send reg 44 and reg 45 reports (CIW: the
    /// responsible individual's reports).
    pub fn is_childrens_home(self) -> bool {
        matches!(
            self,
            SettingType::ChildrensHome | SettingType::SecureHome | SettingType::ResidentialSchool
        )
    }
}

kernel::coded!(
    /// Where a setting's registration stands.
    RegistrationStatus {
        Registered = "registered", "Registered";
        ApplicationAccepted = "application-accepted", "Application accepted";
        Suspended = "suspended", "Registration suspended";
        Cancelled = "cancelled", "Registration cancelled";
        NotRegistered = "not-registered", "Not registered";
    }
);

impl RegistrationStatus {
    /// Whether a child may be placed there as a registered setting. An
    /// accepted application counts for supported accommodation only
    /// (England, from 28 October 2023).
    pub fn permits_placement(self, setting_type: SettingType) -> bool {
        match self {
            RegistrationStatus::Registered => true,
            RegistrationStatus::ApplicationAccepted => setting_type == SettingType::SupportedAccommodation,
            _ => false,
        }
    }
}

kernel::coded!(
    /// The latest inspection's overall judgement.
    Grade {
        Outstanding = "outstanding", "Outstanding";
        Good = "good", "Good";
        RequiresImprovement = "requires-improvement", "Requires improvement";
        Inadequate = "inadequate", "Inadequate";
        NotInspected = "not-inspected", "Not yet inspected";
    }
);

kernel::coded!(
    /// The needs a statement of purpose can say a setting meets. The same
    /// codes describe a child's needs in a Gateway request's matching.
    Need {
        EmotionalBehavioural = "emotional-behavioural", "Emotional and behavioural";
        LearningDisability = "learning-disability", "Learning disability";
        PhysicalDisability = "physical-disability", "Physical disability";
        Autism = "autism", "Autism";
        MentalHealth = "mental-health", "Mental health";
        SexualExploitation = "sexual-exploitation", "Risk of sexual exploitation";
        CriminalExploitation = "criminal-exploitation", "Risk of criminal exploitation";
        SubstanceMisuse = "substance-misuse", "Substance misuse";
        GoingMissing = "going-missing", "Going missing";
        SelfHarm = "self-harm", "Self-harm";
        ParentAndChild = "parent-and-child", "Parent and child";
        SiblingGroup = "sibling-group", "Sibling groups";
        Unaccompanied = "unaccompanied", "Unaccompanied asylum-seeking children";
        ComplexHealth = "complex-health", "Complex health needs";
    }
);

/// Parses a space- or comma-separated list of need codes, naming the first
/// unknown one.
pub fn parse_needs(text: &str) -> Result<Vec<Need>, String> {
    let mut needs: Vec<Need> = Vec::new();
    for code in text.split([' ', ',']).filter(|c| !c.trim().is_empty()) {
        let need = code.parse::<Need>()?;
        if !needs.contains(&need) {
            needs.push(need);
        }
    }
    needs.sort();
    Ok(needs)
}

/// Needs as stored: codes separated by single spaces.
pub fn needs_text(needs: &[Need]) -> String {
    needs.iter().map(|n| n.code()).collect::<Vec<_>>().join(" ")
}

/// An organisation as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub legal_name: String,
    pub companies_house_number: Option<String>,
    pub charity_number: Option<String>,
    pub provider_type: crate::ProviderType,
    pub for_profit: bool,
    pub legal_form: LegalForm,
}

/// A setting as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub name: String,
    pub setting_type: SettingType,
    pub regulator: Regulator,
    /// Ofsted URN or CIW service number; none for unregulated provision.
    pub registration_number: Option<String>,
    pub registration_status: RegistrationStatus,
    pub grade: Grade,
    pub inspected_on: Option<Date>,
    pub capacity: u32,
    pub age_min: u8,
    pub age_max: u8,
    pub needs: Vec<Need>,
    pub postcode: String,
    pub local_authority: String,
}

/// A field and what is wrong with it.
pub type Problem = (&'static str, String);

/// Companies House numbers: 8 characters, digits or two letters and six digits.
pub fn valid_companies_house_number(text: &str) -> bool {
    text.len() == 8 && text.chars().all(|c| c.is_ascii_alphanumeric()) && text[2..].chars().all(|c| c.is_ascii_digit())
}

/// Charity numbers (England and Wales): 6 to 8 digits.
pub fn valid_charity_number(text: &str) -> bool {
    (6..=8).contains(&text.len()) && text.chars().all(|c| c.is_ascii_digit())
}

/// Ofsted URNs: `SC` and six digits, or seven digits.
pub fn valid_ofsted_urn(text: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    text.strip_prefix("SC").is_some_and(|rest| digits(rest, 6)) || digits(text, 7)
}

/// CIW service numbers: `SIN-`, eight digits, `-`, four letters or digits.
pub fn valid_ciw_number(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts[0] == "SIN"
        && parts[1].len() == 8
        && parts[1].chars().all(|c| c.is_ascii_digit())
        && parts[2].len() == 4
        && parts[2].chars().all(|c| c.is_ascii_alphanumeric())
}

/// Checks an organisation, naming every field at fault.
pub fn check_organisation(org: &Organisation) -> Vec<Problem> {
    let mut problems = Vec::new();
    if org.legal_name.trim().is_empty() {
        problems.push(("legal_name", "Enter the organisation's legal name".to_owned()));
    }
    if org
        .companies_house_number
        .as_deref()
        .is_some_and(|n| !valid_companies_house_number(n))
    {
        problems.push((
            "companies_house_number",
            "A Companies House number has 8 characters, such as 01234567 or SC123456".to_owned(),
        ));
    }
    if org.charity_number.as_deref().is_some_and(|n| !valid_charity_number(n)) {
        problems.push(("charity_number", "A charity number has 6 to 8 digits".to_owned()));
    }
    if org.provider_type == crate::ProviderType::Parent {
        problems.push(("provider_type", "A parent is not a provider; choose PR1 to PR5".to_owned()));
    }
    if org.for_profit && org.legal_form == LegalForm::PublicBody {
        problems.push(("for_profit", "A public body cannot be for profit".to_owned()));
    }
    problems
}

/// Checks a setting, naming every field at fault.
pub fn check_setting(setting: &Setting, today: Date) -> Vec<Problem> {
    let mut problems = Vec::new();
    if setting.name.trim().is_empty() {
        problems.push(("name", "Enter the setting's name".to_owned()));
    }
    let number = setting.registration_number.as_deref();
    match (setting.regulator, number) {
        (Regulator::Ofsted, Some(n)) if !valid_ofsted_urn(n) => {
            problems.push((
                "registration_number",
                "An Ofsted URN is SC and six digits, or seven digits".to_owned(),
            ));
        }
        (Regulator::Ciw, Some(n)) if !valid_ciw_number(n) => problems.push((
            "registration_number",
            "A CIW service number looks like SIN-00012345-ABCD".to_owned(),
        )),
        (Regulator::Ofsted | Regulator::Ciw, None) if setting.registration_status != RegistrationStatus::NotRegistered => {
            problems.push(("registration_number", "Enter the regulator's registration number".to_owned()));
        }
        (Regulator::None, _) if setting.registration_status != RegistrationStatus::NotRegistered => {
            problems.push(("registration_status", "A setting with no regulator is not registered".to_owned()))
        }
        _ => {}
    }
    if (setting.setting_type == SettingType::Unregistered) != (setting.regulator == Regulator::None) {
        problems.push((
            "regulator",
            "Unregistered provision has no regulator, and every other type has one".to_owned(),
        ));
    }
    if setting.inspected_on.is_some_and(|on| on > today) {
        problems.push(("inspected_on", "The inspection date cannot be in the future".to_owned()));
    }
    if setting.grade != Grade::NotInspected && setting.inspected_on.is_none() {
        problems.push(("inspected_on", "Enter the date of the inspection that gave this grade".to_owned()));
    }
    if setting.capacity == 0 || setting.capacity > 500 {
        problems.push(("capacity", "Capacity is the number of children, from 1 to 500".to_owned()));
    }
    if setting.age_max > 25 {
        problems.push(("age_max", "The oldest age is at most 25".to_owned()));
    }
    if setting.age_min > setting.age_max {
        problems.push(("age_min", "The youngest age cannot be above the oldest".to_owned()));
    }
    if setting.postcode.trim().is_empty() {
        problems.push(("postcode", "Enter the setting's postcode".to_owned()));
    }
    if setting.local_authority.trim().is_empty() {
        problems.push(("local_authority", "Enter the local authority the setting is in".to_owned()));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn home() -> Setting {
        Setting {
            name: "Oak House".into(),
            setting_type: SettingType::ChildrensHome,
            regulator: Regulator::Ofsted,
            registration_number: Some("SC123456".into()),
            registration_status: RegistrationStatus::Registered,
            grade: Grade::Good,
            inspected_on: Some(date!(2026 - 03 - 01)),
            capacity: 4,
            age_min: 8,
            age_max: 17,
            needs: vec![Need::EmotionalBehavioural],
            postcode: "DC1 1AA".into(),
            local_authority: "Demo County".into(),
        }
    }

    #[test]
    fn identifiers_are_checked_by_shape() {
        assert!(valid_ofsted_urn("SC123456") && valid_ofsted_urn("1234567"));
        assert!(!valid_ofsted_urn("SC12345") && !valid_ofsted_urn("AB123456"));
        assert!(valid_ciw_number("SIN-00012345-ABCD") && !valid_ciw_number("SIN-1234-ABCD"));
        assert!(valid_companies_house_number("01234567") && valid_companies_house_number("SC123456"));
        assert!(!valid_companies_house_number("0123456") && !valid_companies_house_number("01234AB7"));
        assert!(valid_charity_number("1098765") && !valid_charity_number("12345"));
    }

    #[test]
    fn a_sound_setting_passes_and_each_fault_names_its_field() {
        let today = date!(2026 - 11 - 22);
        assert!(check_setting(&home(), today).is_empty());
        let mut bad = home();
        bad.registration_number = Some("12".into());
        bad.inspected_on = Some(date!(2027 - 01 - 01));
        bad.capacity = 0;
        bad.age_min = 18;
        bad.postcode = String::new();
        let fields: Vec<&str> = check_setting(&bad, today).iter().map(|p| p.0).collect();
        assert_eq!(fields, ["registration_number", "inspected_on", "capacity", "age_min", "postcode"]);
    }

    #[test]
    fn unregistered_provision_has_no_regulator() {
        let mut s = home();
        s.setting_type = SettingType::Unregistered;
        let fields: Vec<&str> = check_setting(&s, date!(2026 - 11 - 22)).iter().map(|p| p.0).collect();
        assert_eq!(fields, ["regulator"]);
        s.regulator = Regulator::None;
        s.registration_number = None;
        s.registration_status = RegistrationStatus::NotRegistered;
        assert!(check_setting(&s, date!(2026 - 11 - 22)).is_empty());
    }

    #[test]
    fn accepted_applications_count_only_for_supported_accommodation() {
        let accepted = RegistrationStatus::ApplicationAccepted;
        assert!(accepted.permits_placement(SettingType::SupportedAccommodation));
        assert!(!accepted.permits_placement(SettingType::ChildrensHome));
        assert!(!RegistrationStatus::Suspended.permits_placement(SettingType::ChildrensHome));
    }

    #[test]
    fn needs_parse_in_any_order_without_repeats() {
        assert_eq!(parse_needs("self-harm, autism autism").unwrap(), vec![Need::Autism, Need::SelfHarm]);
        assert_eq!(parse_needs("flying").unwrap_err(), "unknown code 'flying'");
        assert_eq!(needs_text(&[Need::Autism, Need::SelfHarm]), "autism self-harm");
    }

    #[test]
    fn wales_accepts_only_not_for_profit_forms() {
        assert!(LegalForm::CommunityInterestCompany.is_wales_not_for_profit_form());
        assert!(!LegalForm::CompanyLimitedByShares.is_wales_not_for_profit_form());
        let org = Organisation {
            legal_name: "Council".into(),
            companies_house_number: None,
            charity_number: None,
            provider_type: crate::ProviderType::OtherCouncil,
            for_profit: true,
            legal_form: LegalForm::PublicBody,
        };
        assert_eq!(check_organisation(&org)[0].0, "for_profit");
    }
}
