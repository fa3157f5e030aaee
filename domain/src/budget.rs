//! Town budgets of micro-projects: each town's yearly allocation, what adopted projects committed of
//! it and what completed (inspected) projects spent. A project's adopted budget counts as committed in
//! the year of its adoption and as spent once it passed its inspection (the portal records the adopted
//! budget, not invoices).

use serde::{Deserialize, Serialize};

/// The largest allocation an admin can enter: ten billion yuan (a typo guard, not a policy).
pub const MAX_ALLOCATION_YUAN: i64 = 10_000_000_000;

/// One town's (or the city's) budget for a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    /// The yearly allocation, if an admin entered one.
    pub allocation_yuan: Option<i64>,
    /// Adopted budgets of the projects adopted that year.
    pub committed_yuan: i64,
    /// Adopted budgets of those projects that passed their inspection.
    pub spent_yuan: i64,
}

impl BudgetLine {
    /// What is left to commit (negative when more was adopted than allocated).
    pub fn remaining_yuan(&self) -> Option<i64> {
        self.allocation_yuan.map(|a| a - self.committed_yuan)
    }
    /// Committed as a share of the allocation (none without a positive allocation).
    pub fn committed_share(&self) -> Option<f64> {
        self.allocation_yuan.filter(|a| *a > 0).map(|a| self.committed_yuan as f64 / a as f64)
    }
    /// More adopted than allocated.
    pub fn over(&self) -> bool {
        self.remaining_yuan().is_some_and(|r| r < 0)
    }
    /// The sum of several lines; the allocation is known only if some line has one.
    pub fn sum<'a>(lines: impl IntoIterator<Item = &'a BudgetLine>) -> BudgetLine {
        lines.into_iter().fold(BudgetLine::default(), |acc, l| BudgetLine {
            allocation_yuan: match (acc.allocation_yuan, l.allocation_yuan) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
            },
            committed_yuan: acc.committed_yuan + l.committed_yuan,
            spent_yuan: acc.spent_yuan + l.spent_yuan,
        })
    }
}

/// Reads an allocation as typed: whole yuan, thousands separators forgiven; `amount_invalid` otherwise.
pub fn parse_allocation(typed: &str) -> Result<i64, &'static str> {
    let cleaned: String = typed.trim().chars().filter(|c| !matches!(c, ',' | '，' | ' ')).collect();
    match cleaned.parse::<i64>() {
        Ok(n) if (0..=MAX_ALLOCATION_YUAN).contains(&n) => Ok(n),
        Ok(_) => Err("amount_over_cap"),
        Err(_) => Err("amount_invalid"),
    }
}

/// Reads a budget year: 2000 to 2100.
pub fn parse_year(typed: &str) -> Option<i32> {
    typed.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_and_share_of_a_town() {
        let l = BudgetLine { allocation_yuan: Some(500_000), committed_yuan: 155_000, spent_yuan: 75_000 };
        assert_eq!(l.remaining_yuan(), Some(345_000));
        assert_eq!(l.committed_share(), Some(0.31));
        assert!(!l.over());
        let over = BudgetLine { allocation_yuan: Some(100_000), committed_yuan: 120_000, spent_yuan: 0 };
        assert_eq!((over.remaining_yuan(), over.over()), (Some(-20_000), true));
        let none = BudgetLine { allocation_yuan: None, committed_yuan: 80_000, spent_yuan: 0 };
        assert_eq!((none.remaining_yuan(), none.committed_share(), none.over()), (None, None, false));
        let zero = BudgetLine { allocation_yuan: Some(0), committed_yuan: 0, spent_yuan: 0 };
        assert_eq!(zero.committed_share(), None);
    }

    #[test]
    fn the_city_is_the_sum_of_its_towns() {
        let lines = [
            BudgetLine { allocation_yuan: Some(500_000), committed_yuan: 155_000, spent_yuan: 75_000 },
            BudgetLine { allocation_yuan: None, committed_yuan: 80_000, spent_yuan: 80_000 },
            BudgetLine { allocation_yuan: Some(300_000), committed_yuan: 0, spent_yuan: 0 },
        ];
        assert_eq!(
            BudgetLine::sum(&lines),
            BudgetLine { allocation_yuan: Some(800_000), committed_yuan: 235_000, spent_yuan: 155_000 }
        );
        assert_eq!(BudgetLine::sum(&[]), BudgetLine::default());
    }

    #[test]
    fn allocations_as_typed() {
        assert_eq!(parse_allocation(" 500,000 "), Ok(500_000));
        assert_eq!(parse_allocation("1，200，000"), Ok(1_200_000));
        assert_eq!(parse_allocation("0"), Ok(0));
        assert_eq!(parse_allocation("abc"), Err("amount_invalid"));
        assert_eq!(parse_allocation(""), Err("amount_invalid"));
        assert_eq!(parse_allocation("-5"), Err("amount_over_cap"));
        assert_eq!(parse_allocation("10000000001"), Err("amount_over_cap"));
        assert_eq!(parse_year("2026"), Some(2026));
        assert_eq!(parse_year("26"), None);
    }
}
