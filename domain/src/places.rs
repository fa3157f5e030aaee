//! Villages and communities (村/社区) from the official list: the names residents use, and what a
//! re-run of the list with a newer year changes. The National Bureau of Statistics' 12-digit code
//! (统计用区划代码) is the stable key; names, towns and whole rows change between years.

use serde::{Deserialize, Serialize};

/// One row of the official list (`code,name,town_code,town_name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficialRow {
    pub code: String,
    /// The committee's official name (`岗贝社区居民委员会`, `唐洪村村民委员会`).
    pub official_name: String,
    pub town_code: String,
    pub town_name: String,
}

/// Why a row of the list was not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Skip {
    /// A statistical unit with no residents' committee (`…虚拟社区`).
    Statistical,
    /// The town-level unit is not one of the programme's towns (东莞港, 东莞生态园).
    TownOutsideProgramme,
    /// The line is not `code,name,town_code,town_name` with a 12-digit code.
    Malformed,
}

/// The name residents use and the kind: `岗贝社区居民委员会` → (`岗贝社区`, community),
/// `唐洪村村民委员会` → (`唐洪村`, village), `黄旗生活区` stays as it is. `None` for a statistical unit.
pub fn resident_name(official: &str) -> Option<(String, &'static str)> {
    let official = official.trim();
    if official.ends_with("虚拟社区") || official.is_empty() {
        return None;
    }
    if let Some(root) = official.strip_suffix("村民委员会") {
        let root = root.trim();
        let name = if root.ends_with('村') { root.to_string() } else { format!("{root}村") };
        return Some((name, "village"));
    }
    if let Some(root) = official.strip_suffix("居民委员会") {
        let root = root.trim();
        let name = if root.ends_with("社区") { root.to_string() } else { format!("{root}社区") };
        return Some((name, "community"));
    }
    Some((official.to_string(), "community"))
}

/// Reads the official list. Returns the rows and the line numbers (1-based, header = 1) that are malformed.
pub fn parse_official_csv(text: &str) -> (Vec<OfficialRow>, Vec<usize>) {
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if i == 0 || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if f.len() != 4 || !digits(f[0], 12) || !digits(f[2], 9) || f[1].is_empty() || !f[0].starts_with(f[2]) {
            bad.push(i + 1);
            continue;
        }
        rows.push(OfficialRow {
            code: f[0].to_string(),
            official_name: f[1].to_string(),
            town_code: f[2].to_string(),
            town_name: f[3].to_string(),
        });
    }
    (rows, bad)
}

/// The programme's town for an official town name: the same name, or the name without the city's
/// prefix (`东莞滨海湾新区` → `滨海湾新区`).
pub fn town_for<'a>(official_town: &str, towns: &'a [(String, String)]) -> Option<&'a str> {
    let t = official_town.trim();
    let bare = t.strip_prefix("东莞").unwrap_or(t);
    towns.iter().find(|(_, name)| name == t || (!bare.is_empty() && name == bare)).map(|(slug, _)| slug.as_str())
}

/// A village/community as stored, as far as an import needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    pub id: i64,
    pub code: Option<String>,
    pub town_slug: String,
    pub name: String,
    /// The official name it was last imported with (empty for a row admins added).
    pub official_name: String,
    pub active: bool,
}

/// One change an import makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// A new village/community.
    Add { code: String, town_slug: String, name: String, kind: String, official_name: String },
    /// The official name changed: the shown name follows it.
    Rename { id: i64, code: String, from: String, to: String, official_name: String },
    /// The row now belongs to another town.
    Move { id: i64, code: String, from_town: String, to_town: String },
    /// The code is no longer on the list: hidden from the forms, its items keep pointing at it.
    Deactivate { id: i64, code: String, name: String },
    /// The code is back on the list.
    Reactivate { id: i64, code: String, name: String },
    /// A row of the portal's starting set that the official list does not have: hidden from the forms.
    Retire { id: i64, name: String },
    /// A row admins (or the starting set) had, found on the list by town and name: it takes the code.
    Link { id: i64, code: String, name: String, official_name: String },
    /// A row of the list that is not imported.
    Skip { code: String, official_name: String, why: Skip },
}

impl Change {
    /// One line of the report.
    pub fn line(&self) -> String {
        match self {
            Change::Add { code, town_slug, name, .. } => format!("added {code} {town_slug} {name}"),
            Change::Rename { code, from, to, .. } => format!("renamed {code} {from} → {to}"),
            Change::Move { code, from_town, to_town, .. } => format!("moved {code} {from_town} → {to_town}"),
            Change::Deactivate { code, name, .. } => format!("deactivated {code} {name} (no longer on the list)"),
            Change::Reactivate { code, name, .. } => format!("reactivated {code} {name}"),
            Change::Retire { id, name } => format!("deactivated #{id} {name} (starting set, not on the official list)"),
            Change::Link { code, name, .. } => format!("linked {code} to the existing {name}"),
            Change::Skip { code, official_name, why } => format!(
                "skipped {code} {official_name} ({})",
                match why {
                    Skip::Statistical => "a statistical unit",
                    Skip::TownOutsideProgramme => "town not in the programme",
                    Skip::Malformed => "malformed",
                }
            ),
        }
    }
}

/// What an import changes, and the counts of its report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub changes: Vec<Change>,
    /// Rows of the list already stored as they are.
    pub unchanged: usize,
    /// Active rows without a code that the list does not name (kept; admins decide).
    pub not_on_list: usize,
}

impl ImportPlan {
    pub fn count(&self, f: fn(&Change) -> bool) -> usize {
        self.changes.iter().filter(|c| f(c)).count()
    }
    pub fn added(&self) -> usize {
        self.count(|c| matches!(c, Change::Add { .. }))
    }
    pub fn renamed(&self) -> usize {
        self.count(|c| matches!(c, Change::Rename { .. }))
    }
    pub fn moved(&self) -> usize {
        self.count(|c| matches!(c, Change::Move { .. }))
    }
    pub fn deactivated(&self) -> usize {
        self.count(|c| matches!(c, Change::Deactivate { .. } | Change::Retire { .. }))
    }
    pub fn reactivated(&self) -> usize {
        self.count(|c| matches!(c, Change::Reactivate { .. }))
    }
    pub fn linked(&self) -> usize {
        self.count(|c| matches!(c, Change::Link { .. }))
    }
    pub fn skipped(&self) -> usize {
        self.count(|c| matches!(c, Change::Skip { .. }))
    }
    /// Changes that write something.
    pub fn writes(&self) -> usize {
        self.changes.len() - self.skipped()
    }
    /// The one-line summary.
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} renamed, {} moved, {} deactivated, {} reactivated, {} linked, {} unchanged, {} skipped, {} not on the list kept",
            self.added(),
            self.renamed(),
            self.moved(),
            self.deactivated(),
            self.reactivated(),
            self.linked(),
            self.unchanged,
            self.skipped(),
            self.not_on_list
        )
    }
}

/// Compares the official list with what is stored. `towns` are the programme's (slug, Simplified name).
/// Rows keep their id: a renamed or moved code is the same village, and items keep pointing at it. A
/// row admins renamed keeps their name until the official name itself changes. Rows without a code
/// are kept as admins made them, except those named in `retire` (the portal's own starting set),
/// which are deactivated when the list does not have them.
pub fn plan_import(
    existing: &[Existing],
    rows: &[OfficialRow],
    towns: &[(String, String)],
    retire: &[i64],
) -> ImportPlan {
    use std::collections::{HashMap, HashSet};
    let mut plan = ImportPlan::default();
    let by_code: HashMap<&str, &Existing> = existing.iter().filter_map(|e| e.code.as_deref().map(|c| (c, e))).collect();
    let mut linked: HashSet<i64> = HashSet::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for r in rows {
        if !seen.insert(r.code.as_str()) {
            continue;
        }
        let skip = |why| Change::Skip { code: r.code.clone(), official_name: r.official_name.clone(), why };
        let Some(town) = town_for(&r.town_name, towns) else {
            plan.changes.push(skip(Skip::TownOutsideProgramme));
            continue;
        };
        let Some((name, kind)) = resident_name(&r.official_name) else {
            plan.changes.push(skip(Skip::Statistical));
            continue;
        };
        if let Some(e) = by_code.get(r.code.as_str()) {
            let mut same = true;
            if e.official_name != r.official_name {
                same = false;
                plan.changes.push(Change::Rename {
                    id: e.id,
                    code: r.code.clone(),
                    from: e.name.clone(),
                    to: name.clone(),
                    official_name: r.official_name.clone(),
                });
            }
            if e.town_slug != town {
                same = false;
                plan.changes.push(Change::Move {
                    id: e.id,
                    code: r.code.clone(),
                    from_town: e.town_slug.clone(),
                    to_town: town.to_string(),
                });
            }
            if !e.active {
                same = false;
                plan.changes.push(Change::Reactivate { id: e.id, code: r.code.clone(), name: name.clone() });
            }
            if same {
                plan.unchanged += 1;
            }
            continue;
        }
        let twin = existing.iter().find(|e| {
            e.code.is_none()
                && !linked.contains(&e.id)
                && e.town_slug == town
                && (e.name == name || e.name == r.official_name)
        });
        match twin {
            Some(e) => {
                linked.insert(e.id);
                plan.changes.push(Change::Link {
                    id: e.id,
                    code: r.code.clone(),
                    name: e.name.clone(),
                    official_name: r.official_name.clone(),
                });
                if !e.active {
                    plan.changes.push(Change::Reactivate { id: e.id, code: r.code.clone(), name: e.name.clone() });
                }
            }
            None => plan.changes.push(Change::Add {
                code: r.code.clone(),
                town_slug: town.to_string(),
                name,
                kind: kind.to_string(),
                official_name: r.official_name.clone(),
            }),
        }
    }
    for e in existing {
        match &e.code {
            Some(code) if e.active && !seen.contains(code.as_str()) => {
                plan.changes.push(Change::Deactivate { id: e.id, code: code.clone(), name: e.name.clone() })
            }
            None if e.active && !linked.contains(&e.id) && retire.contains(&e.id) => {
                plan.changes.push(Change::Retire { id: e.id, name: e.name.clone() })
            }
            None if e.active && !linked.contains(&e.id) => plan.not_on_list += 1,
            _ => {}
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn towns() -> Vec<(String, String)> {
        [("dongcheng", "东城街道"), ("shijie", "石碣镇"), ("binhaiwan", "滨海湾新区")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn row(code: &str, name: &str, town_code: &str, town: &str) -> OfficialRow {
        OfficialRow {
            code: code.into(),
            official_name: name.into(),
            town_code: town_code.into(),
            town_name: town.into(),
        }
    }

    #[test]
    fn residents_names_drop_the_committee() {
        assert_eq!(resident_name("岗贝社区居民委员会"), Some(("岗贝社区".into(), "community")));
        assert_eq!(resident_name("唐洪村村民委员会"), Some(("唐洪村".into(), "village")));
        assert_eq!(resident_name("白沙村民委员会"), Some(("白沙村".into(), "village")));
        assert_eq!(resident_name("新城居民委员会"), Some(("新城社区".into(), "community")));
        assert_eq!(resident_name("黄旗生活区"), Some(("黄旗生活区".into(), "community")));
        assert_eq!(resident_name("松山湖虚拟社区"), None);
    }

    #[test]
    fn towns_match_with_or_without_the_city_prefix() {
        let t = towns();
        assert_eq!(town_for("东城街道", &t), Some("dongcheng"));
        assert_eq!(town_for("东莞滨海湾新区", &t), Some("binhaiwan"));
        assert_eq!(town_for("东莞港", &t), None);
    }

    #[test]
    fn the_csv_reader_names_bad_lines() {
        let text = "code,name,town_code,town_name\n441900003001,岗贝社区居民委员会,441900003,东城街道\n\
                    44190000300,短码,441900003,东城街道\n441900101200,唐洪村村民委员会,441900003,石碣镇\n";
        let (rows, bad) = parse_official_csv(text);
        assert_eq!(rows.len(), 1);
        assert_eq!(bad, vec![3, 4], "a short code, and a code outside its town");
    }

    #[test]
    fn a_first_import_links_adds_and_skips() {
        let mine = |id: i64, name: &str| Existing {
            id,
            code: None,
            town_slug: "dongcheng".into(),
            name: name.into(),
            official_name: String::new(),
            active: true,
        };
        let existing = vec![mine(7, "岗贝社区"), mine(8, "东城社区"), mine(9, "admins' own")];
        let rows = vec![
            row("441900003001", "岗贝社区居民委员会", "441900003", "东城街道"),
            row("441900003002", "花园新村社区居民委员会", "441900003", "东城街道"),
            row("441900402498", "东莞港虚拟社区", "441900402", "东莞港"),
            row("441900404498", "滨海湾虚拟社区", "441900404", "东莞滨海湾新区"),
        ];
        let p = plan_import(&existing, &rows, &towns(), &[7, 8]);
        assert_eq!((p.linked(), p.added(), p.skipped(), p.unchanged, p.not_on_list), (1, 1, 2, 0, 1));
        assert_eq!(
            p.changes[4],
            Change::Retire { id: 8, name: "东城社区".into() },
            "the starting set's unofficial row goes"
        );
        assert!(
            matches!(&p.changes[1], Change::Add { name, kind, .. } if name == "花园新村社区" && kind == "community")
        );
        assert!(matches!(&p.changes[2], Change::Skip { why: Skip::TownOutsideProgramme, .. }));
        assert!(matches!(&p.changes[3], Change::Skip { why: Skip::Statistical, .. }));
    }

    #[test]
    fn a_newer_year_renames_moves_and_deactivates_by_code() {
        let e = |id: i64, code: &str, town: &str, name: &str, official: &str, active: bool| Existing {
            id,
            code: Some(code.into()),
            town_slug: town.into(),
            name: name.into(),
            official_name: official.into(),
            active,
        };
        let existing = vec![
            e(1, "441900101200", "shijie", "唐洪村", "唐洪村村民委员会", true),
            e(2, "441900101201", "shijie", "水南村", "水南村村民委员会", true),
            e(3, "441900101202", "shijie", "石碣", "石碣村村民委员会", true),
            e(4, "441900101203", "shijie", "刘屋村", "刘屋村村民委员会", false),
            e(5, "441900101204", "shijie", "横滘村", "横滘村村民委员会", true),
        ];
        let rows = vec![
            // 唐洪村 became a community.
            row("441900101200", "唐洪社区居民委员会", "441900101", "石碣镇"),
            // 水南村 is unchanged; 石碣村 kept the admins' rename 石碣.
            row("441900101201", "水南村村民委员会", "441900101", "石碣镇"),
            row("441900101202", "石碣村村民委员会", "441900101", "石碣镇"),
            // 刘屋村 is back, now under 东城.
            row("441900101203", "刘屋村村民委员会", "441900003", "东城街道"),
            // 横滘村 is gone.
        ];
        let p = plan_import(&existing, &rows, &towns(), &[]);
        assert_eq!(p.unchanged, 2);
        assert_eq!((p.renamed(), p.moved(), p.reactivated(), p.deactivated(), p.added()), (1, 1, 1, 1, 0));
        assert!(p.changes.contains(&Change::Rename {
            id: 1,
            code: "441900101200".into(),
            from: "唐洪村".into(),
            to: "唐洪社区".into(),
            official_name: "唐洪社区居民委员会".into()
        }));
        assert!(p
            .changes
            .contains(&Change::Deactivate { id: 5, code: "441900101204".into(), name: "横滘村".into() }));
        assert_eq!(p.summary(), "0 added, 1 renamed, 1 moved, 1 deactivated, 1 reactivated, 0 linked, 2 unchanged, 0 skipped, 0 not on the list kept");
    }
}
