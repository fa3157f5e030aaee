//! Dates in Dongguan time (UTC+8, no daylight saving), the working-day calendar with public holidays
//! and adjusted working weekends (调休), and the programme's deadlines.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Seconds east of UTC for China Standard Time.
pub const CHINA_OFFSET_SECS: i64 = 8 * 3600;
const DAY: i64 = 86_400;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// A date, if it exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut p = s.trim().split('-');
        let y = p.next()?.parse().ok()?;
        let m = p.next()?.parse().ok()?;
        let d = p.next()?.parse().ok()?;
        if p.next().is_some() {
            return None;
        }
        Date::new(y, m, d)
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The Dongguan date of a unix timestamp.
    pub fn from_timestamp(ts: i64) -> Date {
        Date::from_days((ts + CHINA_OFFSET_SECS).div_euclid(DAY))
    }

    /// Unix timestamp of 00:00 Dongguan time on this date.
    pub fn start_ts(self) -> i64 {
        self.days_since_epoch() * DAY - CHINA_OFFSET_SECS
    }

    /// Unix timestamp of the last second of this date, Dongguan time.
    pub fn end_ts(self) -> i64 {
        self.start_ts() + DAY - 1
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        ((self.days_since_epoch() + 3).rem_euclid(7)) as u32
    }

    /// The date `n` days later.
    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.days_since_epoch() + n)
    }

    /// The same day `n` months later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb).
    pub fn add_months(self, n: u32) -> Date {
        let total = self.year * 12 + (self.month as i32 - 1) + n as i32;
        let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
        Date { year, month, day: self.day.min(days_in_month(year, month)) }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Public holidays and adjusted working days (调休). Admins maintain them each year.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WorkCalendar {
    pub holidays: BTreeSet<Date>,
    pub adjusted_workdays: BTreeSet<Date>,
}

impl WorkCalendar {
    /// A working day: Monday to Friday unless a holiday, or a weekend day declared a working day.
    pub fn is_working_day(&self, d: Date) -> bool {
        if self.adjusted_workdays.contains(&d) {
            return true;
        }
        d.weekday() < 5 && !self.holidays.contains(&d)
    }

    /// The `n`th working day after `d` (not counting `d` itself).
    pub fn add_working_days(&self, d: Date, n: u32) -> Date {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.add_days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// The programme's deadlines (defaults from the programme's practice; admins can change them).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeadlineRules {
    /// Acceptance reply (受理回复) within this many hours of routing.
    pub acceptance_hours: i64,
    /// An urgent wish gets feedback within this many working days.
    pub urgent_wish_working_days: u32,
    /// Every other wish within this many calendar months.
    pub wish_months: u32,
    /// A micro-project gets its adoption decision within this many days.
    pub project_decision_days: i64,
    /// A micro-project is built within this many months of approval.
    pub project_build_months: u32,
    /// An open item is "due soon" (即将到期) once its deadline falls within this many working days,
    /// today counted as the first (1: the deadline is today).
    #[serde(default = "one")]
    pub due_soon_working_days: u32,
    /// A routed item is signed for (签收) within this many working hours (office hours of working days).
    #[serde(default = "two")]
    pub sign_for_working_hours: u32,
    /// Office hours, minutes after midnight Dongguan time: when working hours start and end.
    #[serde(default = "office_open")]
    pub office_open_minute: u32,
    #[serde(default = "office_close")]
    pub office_close_minute: u32,
    /// A town may return (退单) an item outside its remit within this many working days of routing.
    #[serde(default = "two")]
    pub return_working_days: u32,
    /// An extension (延期) of a wish's deadline reaches at most this many working days past it.
    #[serde(default = "ten")]
    pub extension_wish_working_days: u32,
    /// … of a micro-project's deadline, at most this many months past it.
    #[serde(default = "three")]
    pub extension_project_months: u32,
    /// An item gets at most this many extension requests.
    #[serde(default = "two")]
    pub max_extensions: u32,
    /// The town answers a 督办 (supervision notice) within this many working days.
    #[serde(default = "three")]
    pub supervision_working_days: u32,
    /// Items overdue by this many working days escalate to the dispatchers' list (升级).
    #[serde(default = "three")]
    pub escalation_working_days: u32,
    /// Items answered this many days ago and not rated online wait for a callback (待回访).
    #[serde(default = "three")]
    pub callback_days: u32,
    /// A 差评's rectification (整改) is due within this many working days of the rating.
    #[serde(default = "five")]
    pub rectify_working_days: u32,
}

fn one() -> u32 {
    1
}
fn two() -> u32 {
    2
}
fn three() -> u32 {
    3
}
fn five() -> u32 {
    5
}
fn ten() -> u32 {
    10
}
fn office_open() -> u32 {
    8 * 60 + 30
}
fn office_close() -> u32 {
    17 * 60 + 30
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            acceptance_hours: 24,
            urgent_wish_working_days: 5,
            wish_months: 1,
            project_decision_days: 30,
            project_build_months: 6,
            due_soon_working_days: 1,
            sign_for_working_hours: two(),
            office_open_minute: office_open(),
            office_close_minute: office_close(),
            return_working_days: two(),
            extension_wish_working_days: ten(),
            extension_project_months: three(),
            max_extensions: two(),
            supervision_working_days: three(),
            escalation_working_days: three(),
            callback_days: three(),
            rectify_working_days: five(),
        }
    }
}

impl DeadlineRules {
    /// When the acceptance reply is due for an item routed at `routed_at`.
    pub fn acceptance_due(&self, routed_at: i64) -> i64 {
        routed_at + self.acceptance_hours * 3600
    }

    /// When feedback is due: the end of the day on which the deadline falls.
    pub fn feedback_due(&self, cal: &WorkCalendar, kind: crate::Kind, urgent: bool, submitted_at: i64) -> i64 {
        let day = Date::from_timestamp(submitted_at);
        let due = match (kind, urgent) {
            (crate::Kind::Wish, true) => cal.add_working_days(day, self.urgent_wish_working_days),
            (crate::Kind::Wish, false) => day.add_months(self.wish_months),
            (crate::Kind::Project, _) => day.add_days(self.project_decision_days),
        };
        due.end_ts()
    }

    /// Until when a deadline counts as due soon, looking at `now`: the end of the
    /// `due_soon_working_days`-th working day counted from the first working day on or after today.
    /// With the default 1: on a working day, deadlines of today; on a weekend or holiday, deadlines up
    /// to the end of the next working day (less than one working day is left for them).
    pub fn due_soon_until(&self, cal: &WorkCalendar, now: i64) -> i64 {
        let today = Date::from_timestamp(now);
        let first = if cal.is_working_day(today) { today } else { cal.add_working_days(today, 1) };
        cal.add_working_days(first, self.due_soon_working_days.max(1) - 1).end_ts()
    }

    /// When the answer to a reopened item (重办) is due: the same window as a new item of its kind
    /// (a wish: `wish_months`; a project: `project_decision_days`), counted from the reopening, to the
    /// end of that day. The first answer's deadlines stay as they were, so the measures keep judging it.
    pub fn redo_due(&self, kind: crate::Kind, reopened_at: i64) -> i64 {
        let day = Date::from_timestamp(reopened_at);
        match kind {
            crate::Kind::Wish => day.add_months(self.wish_months),
            crate::Kind::Project => day.add_days(self.project_decision_days),
        }
        .end_ts()
    }

    /// `hours` working hours after `at`: only office hours of working days count (an item routed at
    /// 17:00 on a Friday with 2 hours is due at 10:00 on Monday, with the default 08:30–17:30).
    pub fn add_working_hours(&self, cal: &WorkCalendar, at: i64, hours: u32) -> i64 {
        let (open, close) = (i64::from(self.office_open_minute) * 60, i64::from(self.office_close_minute) * 60);
        let mut left = i64::from(hours) * 3600;
        let mut t = at;
        if close <= open {
            return at + left; // no office hours configured: plain hours
        }
        loop {
            let day = Date::from_timestamp(t);
            if cal.is_working_day(day) {
                let start = t.max(day.start_ts() + open);
                let end = day.start_ts() + close;
                if start < end {
                    if left <= end - start {
                        return start + left;
                    }
                    left -= end - start;
                }
            }
            t = day.add_days(1).start_ts();
        }
    }

    /// When a town must sign for (签收) an item routed at `routed_at`.
    pub fn sign_for_due(&self, cal: &WorkCalendar, routed_at: i64) -> i64 {
        self.add_working_hours(cal, routed_at, self.sign_for_working_hours)
    }

    /// Until when a town may return (退单) an item routed at `routed_at`: the end of the
    /// `return_working_days`-th working day after the day of routing.
    pub fn return_due(&self, cal: &WorkCalendar, routed_at: i64) -> i64 {
        cal.add_working_days(Date::from_timestamp(routed_at), self.return_working_days).end_ts()
    }

    /// The latest date an extension (延期) may move a deadline `due` of an item of `kind` to: a wish
    /// `extension_wish_working_days` working days past it, a project `extension_project_months` months.
    pub fn extension_latest(&self, cal: &WorkCalendar, kind: crate::Kind, due: i64) -> i64 {
        let day = Date::from_timestamp(due);
        match kind {
            crate::Kind::Wish => cal.add_working_days(day, self.extension_wish_working_days),
            crate::Kind::Project => day.add_months(self.extension_project_months),
        }
        .end_ts()
    }

    /// When the town must answer a 督办 issued at `at`: the end of the `supervision_working_days`-th
    /// working day after it.
    pub fn supervision_due(&self, cal: &WorkCalendar, at: i64) -> i64 {
        cal.add_working_days(Date::from_timestamp(at), self.supervision_working_days).end_ts()
    }

    /// Looking at `now`, a deadline before the returned time is overdue by `escalation_working_days`
    /// working days or more: its day and that many working days after it have all ended.
    pub fn escalate_before(&self, cal: &WorkCalendar, now: i64) -> i64 {
        let mut day = Date::from_timestamp(now);
        while cal.add_working_days(day, self.escalation_working_days).end_ts() >= now {
            day = day.add_days(-1);
        }
        day.end_ts() + 1
    }

    /// When the rectification (整改) of a 差评 given at `rated_at` is due.
    pub fn rectify_due(&self, cal: &WorkCalendar, rated_at: i64) -> i64 {
        cal.add_working_days(Date::from_timestamp(rated_at), self.rectify_working_days).end_ts()
    }

    /// Looking at `now`, items answered before the returned time and not rated wait for a callback.
    pub fn callback_before(&self, now: i64) -> i64 {
        now - i64::from(self.callback_days) * 86_400
    }

    /// When a micro-project approved at `approved_at` must be completed.
    pub fn completion_due(&self, approved_at: i64) -> i64 {
        Date::from_timestamp(approved_at).add_months(self.project_build_months).end_ts()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kind;

    #[test]
    fn due_soon_means_less_than_the_last_working_days_left() {
        // 2026 National Day: 1–8 October off, Sunday 27 September and Saturday 10 October worked (调休).
        let mut cal = WorkCalendar::default();
        for day in 1..=8 {
            cal.holidays.insert(Date::new(2026, 10, day).unwrap());
        }
        cal.adjusted_workdays.insert(Date::new(2026, 9, 27).unwrap());
        cal.adjusted_workdays.insert(Date::new(2026, 10, 10).unwrap());
        let d = |s: &str| Date::parse(s).unwrap();
        let at = |s: &str| d(s).start_ts() + 10 * 3600;
        let one = DeadlineRules::default();
        assert_eq!(one.due_soon_working_days, 1);
        // A working day: deadlines of today only, so an item routed now (reply due tomorrow) is not yet.
        assert_eq!(one.due_soon_until(&cal, at("2026-09-29")), d("2026-09-29").end_ts());
        // The holiday week: the next working day is Friday 9 October.
        assert_eq!(one.due_soon_until(&cal, at("2026-10-03")), d("2026-10-09").end_ts());
        // Sunday 27 September is a 调休 working day: itself.
        assert_eq!(one.due_soon_until(&cal, at("2026-09-27")), d("2026-09-27").end_ts());
        let two = DeadlineRules { due_soon_working_days: 2, ..DeadlineRules::default() };
        // Friday 9 October + the next working day, Saturday 10 October (调休).
        assert_eq!(two.due_soon_until(&cal, at("2026-10-09")), d("2026-10-10").end_ts());
        // Stored settings from before the setting existed read as 1.
        let old: DeadlineRules = serde_json::from_str(
            r#"{"acceptance_hours":24,"urgent_wish_working_days":5,"wish_months":1,"project_decision_days":30,"project_build_months":6}"#,
        )
        .unwrap();
        assert_eq!(old, one);
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// 2026 as published by the State Council (holidays and 调休 working weekends).
    fn cal_2026() -> WorkCalendar {
        let mut c = WorkCalendar::default();
        for h in ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"] {
            c.holidays.insert(d(h));
        }
        c.adjusted_workdays.insert(d("2026-09-20"));
        c.adjusted_workdays.insert(d("2026-10-10"));
        c
    }

    /// Unix time of `day` at `hh:mm` Dongguan time.
    fn at(day: &str, hh: i64, mm: i64) -> i64 {
        d(day).start_ts() + hh * 3600 + mm * 60
    }

    #[test]
    fn sign_for_counts_office_hours_of_working_days_across_national_day_and_adjusted_weekends() {
        let (r, c) = (DeadlineRules::default(), cal_2026());
        // Inside office hours: two hours later the same day.
        assert_eq!(r.sign_for_due(&c, at("2026-09-29", 9, 0)), at("2026-09-29", 11, 0));
        // Wed 30 Sep 16:30: one hour left that day, then the holiday week, then Thu 8 Oct 08:30 + 1 h.
        assert_eq!(r.sign_for_due(&c, at("2026-09-30", 16, 30)), at("2026-10-08", 9, 30));
        // Fri 18 Sep 17:00: half an hour, then Sun 20 Sep, a 调休 working day, 08:30 + 1.5 h.
        assert_eq!(r.sign_for_due(&c, at("2026-09-18", 17, 0)), at("2026-09-20", 10, 0));
        // Before opening on Sat 10 Oct (调休): counted from 08:30.
        assert_eq!(r.sign_for_due(&c, at("2026-10-10", 7, 0)), at("2026-10-10", 10, 30));
        // Routed in the evening of Sun 11 Oct: Monday 08:30 + 2 h.
        assert_eq!(r.sign_for_due(&c, at("2026-10-11", 20, 0)), at("2026-10-12", 10, 30));
        let four = DeadlineRules { sign_for_working_hours: 4, ..DeadlineRules::default() };
        assert_eq!(four.sign_for_due(&c, at("2026-09-30", 15, 0)), at("2026-10-08", 10, 0));
    }

    #[test]
    fn returns_are_allowed_until_the_end_of_the_second_working_day() {
        let (r, c) = (DeadlineRules::default(), cal_2026());
        // Tue 29 Sep → Wed 30 Sep (1), Thu 8 Oct (2) after the holiday.
        assert_eq!(r.return_due(&c, at("2026-09-29", 15, 0)), d("2026-10-08").end_ts());
        // Fri 9 Oct → Sat 10 Oct (调休, 1), Mon 12 Oct (2).
        assert_eq!(r.return_due(&c, at("2026-10-09", 10, 0)), d("2026-10-12").end_ts());
    }

    #[test]
    fn extensions_reach_ten_working_days_for_a_wish_and_three_months_for_a_project() {
        let (r, c) = (DeadlineRules::default(), cal_2026());
        // Fri 25 Sep: 28, 29, 30 Sep, 8, 9, 10 (调休), 12, 13, 14, 15 Oct.
        assert_eq!(r.extension_latest(&c, Kind::Wish, d("2026-09-25").end_ts()), d("2026-10-15").end_ts());
        assert_eq!(r.extension_latest(&c, Kind::Project, d("2026-11-30").end_ts()), d("2027-02-28").end_ts());
    }

    #[test]
    fn supervision_answers_in_three_working_days_and_escalation_waits_three_more() {
        let (r, c) = (DeadlineRules::default(), cal_2026());
        // Supervised Wed 30 Sep: 8, 9, 10 (调休) Oct.
        assert_eq!(r.supervision_due(&c, at("2026-09-30", 10, 0)), d("2026-10-10").end_ts());
        // Looking on Mon 12 Oct at noon: a deadline of Thu 8 Oct has had 9 and 10 (调休) Oct, and Monday
        // has not ended; one on Wed 7 Oct (a holiday) or 30 Sep has had 8, 9 and 10 Oct: escalated.
        let before = r.escalate_before(&c, at("2026-10-12", 12, 0));
        assert_eq!(before, d("2026-10-08").start_ts(), "deadlines up to the end of 7 Oct");
        assert!(d("2026-10-08").end_ts() >= before && d("2026-09-30").end_ts() < before);
        assert_eq!(r.callback_before(1_000_000), 1_000_000 - 3 * 86_400);
        // A 差评 given on Wed 30 Sep is rectified by the end of Tue 13 Oct: 8, 9, 10 (调休), 12, 13.
        assert_eq!(r.rectify_due(&c, at("2026-09-30", 20, 0)), d("2026-10-13").end_ts());
    }

    #[test]
    fn dates_convert_both_ways() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2026-11-22").days_since_epoch(), 20_779, "per `date -u -d 2026-11-22 +%s` / 86400");
        for n in [-800_000, -1, 0, 1, 20_779, 60_000] {
            assert_eq!(Date::from_days(n).days_since_epoch(), n);
        }
        assert_eq!(d("2026-11-22").weekday(), 6, "22 Nov 2026 is a Sunday");
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
    }

    #[test]
    fn timestamps_are_read_in_dongguan_time() {
        // 2026-11-22 16:30 UTC is 2026-11-23 00:30 in Dongguan.
        let ts = d("2026-11-22").start_ts() + 8 * 3600 + 16 * 3600 + 1800;
        assert_eq!(Date::from_timestamp(ts), d("2026-11-23"));
        assert_eq!(d("2026-11-23").start_ts(), 1_795_363_200, "per `date -d '2026-11-23 00:00 +0800' +%s`");
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(d("2026-01-31").add_months(1), d("2026-02-28"));
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2026-12-15").add_months(1), d("2027-01-15"));
        assert_eq!(d("2026-05-10").add_months(6), d("2026-11-10"));
    }

    #[test]
    fn working_days_skip_golden_week_and_count_adjusted_weekends() {
        let c = cal_2026();
        // Tue 29 Sep + 5 working days: 30 Sep, (1-7 Oct holiday), Thu 8, Fri 9, Sat 10 (调休), Mon 12.
        assert_eq!(c.add_working_days(d("2026-09-29"), 5), d("2026-10-12"));
        // Fri 18 Sep + 1: Sunday 20 Sep is a working day, Saturday 19 is not.
        assert_eq!(c.add_working_days(d("2026-09-18"), 1), d("2026-09-20"));
        // An ordinary week: Fri 13 Nov + 5 = Fri 20 Nov.
        assert_eq!(c.add_working_days(d("2026-11-13"), 5), d("2026-11-20"));
        assert!(!c.is_working_day(d("2026-10-01")));
        assert!(c.is_working_day(d("2026-10-10")));
    }

    #[test]
    fn feedback_deadlines_per_kind() {
        let c = cal_2026();
        let r = DeadlineRules::default();
        let submitted = d("2026-09-29").start_ts() + 10 * 3600;
        assert_eq!(r.feedback_due(&c, Kind::Wish, true, submitted), d("2026-10-12").end_ts());
        assert_eq!(r.feedback_due(&c, Kind::Wish, false, submitted), d("2026-10-29").end_ts());
        assert_eq!(r.feedback_due(&c, Kind::Project, false, submitted), d("2026-10-29").end_ts());
        assert_eq!(r.acceptance_due(submitted), submitted + 86_400);
        assert_eq!(r.completion_due(submitted), d("2027-03-29").end_ts());
    }
}
