//! `seed-demo`: a realistic year of items across all towns, kinds, categories and lifecycle states,
//! generated through the domain's lifecycle function and written in batched transactions.
//! The same seed and end date give the same data on any backend (own PRNG, no clock, no OS randomness).

use crate::seed_batch::{write_batch, SeedEvent, SeedItem};
use crate::{Backend, Db, Result, StoreError};
use domain::calendar::DeadlineRules;
use domain::lifecycle::{apply, transition, Action, Actor, Facts, ItemState};
use domain::{item_number, Beneficiary, Category, Date, Kind, Rating, Status, WorkCalendar};
use sqlx::Row;

/// SplitMix64: small, fast and stable across platforms and crate versions.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, n)`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    /// Uniform in `[lo, hi]`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }
    /// True with probability `p` percent.
    pub fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// Options of a seeding run.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub items: u64,
    pub seed: u64,
    /// The last day of the demo period (Dongguan date); items are spread over the `years` × 365 days up
    /// to it.
    pub until: Date,
    pub years: u32,
}

/// What a seeding run did, with a few tracking links to try.
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub items: u64,
    pub events: u64,
    /// (number, token, status) of some items worth opening.
    pub samples: Vec<(String, String, Status)>,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "梁", "莫", "叶", "邓", "钟", "袁",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英",
    "桂芳", "志强", "海燕", "建华", "国平", "丽华", "少玲",
];

fn wish_need(b: Beneficiary, r: &mut Rng) -> (String, i64) {
    let (texts, lo, hi): (&[&str], i64, i64) = match b {
        Beneficiary::ElderlyAlone => (
            &[
                "独居老人腿脚不便，需要一台轮椅",
                "老人视力下降，希望配一副老花镜",
                "独居老人家中热水器损坏，需要更换",
                "老人冬天怕冷，需要一床厚棉被和电暖器",
                "独居老人需要一个紧急呼叫手环",
            ],
            150,
            900,
        ),
        Beneficiary::Disabled => (
            &[
                "肢体残疾人士需要一副新拐杖",
                "听障人士希望配一台助听器",
                "残疾人家庭需要安装卫生间扶手",
                "视障人士需要一部读屏手机",
            ],
            200,
            1000,
        ),
        Beneficiary::ChildInDifficulty => (
            &[
                "留守儿童需要一个新书包和课外书",
                "困境儿童需要一张书桌和台灯",
                "孩子想要一套校服和运动鞋",
                "困境儿童需要一台学习用的平板电脑",
            ],
            100,
            950,
        ),
        Beneficiary::LowIncome => (
            &[
                "低收入家庭冰箱坏了，需要一台二手冰箱",
                "家里电饭煲坏了，需要更换",
                "低收入家庭需要一台洗衣机",
                "家中孩子上学需要一辆自行车",
            ],
            150,
            1000,
        ),
        Beneficiary::Other => {
            (&["社区困难居民需要一些生活物资", "病后康复需要一台制氧机", "临时困难家庭需要米面油等物资"], 100, 800)
        }
    };
    (r.pick(texts).to_string(), r.range(lo, hi) / 10 * 10)
}

fn project_text(c: Category, r: &mut Rng) -> (&'static str, &'static str) {
    let options: &[(&str, &str)] = match c {
        Category::RoadsLighting => &[
            ("修复村口道路路灯", "村口主路多盏路灯损坏，夜间出行不安全"),
            ("硬化巷道路面", "巷道雨天泥泞，老人小孩容易滑倒"),
        ],
        Category::Accessibility => &[
            ("加装楼道扶手", "老旧小区楼道没有扶手，老人上下楼困难"),
            ("修建无障碍坡道", "社区服务中心门口只有台阶，轮椅无法进入"),
        ],
        Category::ElderlyCare => &[
            ("开设长者饭堂", "社区独居老人多，希望有一个长者饭堂"),
            ("添置老人活动中心设施", "活动中心桌椅老旧，需要更换"),
        ],
        Category::Children => &[
            ("建设儿童阅读角", "社区孩子放学后没有看书的地方"),
            ("翻新儿童游乐设施", "小区游乐设施生锈，存在安全隐患"),
        ],
        Category::Environment => {
            &[("整治河涌垃圾", "河涌边垃圾堆积，夏天气味难闻"), ("增设分类垃圾桶", "垃圾桶数量不足，经常满溢")]
        }
        Category::CultureSports => {
            &[("修建篮球场", "村里年轻人多，缺少运动场地"), ("添置文化广场音响", "广场舞活动缺少音响设备")]
        }
        Category::Safety => {
            &[("安装监控摄像头", "小巷多次发生盗窃，希望加装监控"), ("增设消防设施", "出租屋密集，缺少灭火器和消防栓")]
        }
        Category::Other => {
            &[("修缮社区公告栏", "公告栏破损，通知无法张贴"), ("建设便民晾晒区", "老旧小区缺少公共晾晒场所")]
        }
    };
    *r.pick(options)
}

/// The planned life of one item: actions with their times, applied while they are not in the future.
fn plan(kind: Kind, r: &mut Rng, submitted: i64, amount: i64) -> Vec<(i64, Actor, Action)> {
    const H: i64 = 3600;
    const D: i64 = 86_400;
    let text = |s: &str| s.to_string();
    let mut steps: Vec<(i64, Actor, Action)> = Vec::new();
    let mut t = submitted;
    if r.pct(2) {
        steps.push((t + r.range(H, 5 * D), Actor::Resident, Action::Withdraw { reason: text("问题已自行解决") }));
        return steps;
    }
    if r.pct(1) {
        steps.push((t + r.range(2 * H, 2 * D), Actor::Staff, Action::MarkDuplicate { of_number: text("重复提交") }));
        return steps;
    }
    if r.pct(4) {
        return steps; // never answered: shows up as overdue once its deadlines pass
    }
    // Acceptance reply: most within 24 hours, some late.
    t += if r.pct(88) { r.range(H, 23 * H) } else { r.range(25 * H, 72 * H) };
    // The town signs for it a quarter of the way to its reply (no draw of its own, so the rest of the
    // demo year stays as it was): within 2 working hours mostly, later for slow replies.
    steps.push((submitted + (t - submitted) / 4, Actor::Staff, Action::SignFor));
    if r.pct(8) {
        let reason = if kind == Kind::Wish {
            "经核实，该需求已由民政救助政策覆盖，已转介相关部门办理"
        } else {
            "该事项已纳入镇街年度市政计划，不重复立项"
        };
        steps.push((t, Actor::Staff, Action::Decline { reason: text(reason) }));
        if r.pct(70) {
            steps.push((t + r.range(D, 10 * D), Actor::Resident, rate(r)));
        } else {
            // Not rated online: the town calls back.
            steps.push((t + 3 * D + amount % 5 * H, Actor::Staff, callback()));
        }
        return steps;
    }
    match kind {
        Kind::Wish => {
            steps.push((t, Actor::Staff, Action::Accept { plan: text("已核实情况，交村（社区）跟进") }));
            t += r.range(4 * H, 2 * D);
            steps.push((t, Actor::Staff, Action::Publish { text: String::new() }));
            t += r.range(6 * H, if amount > 1000 { 4 * D } else { 10 * D });
            steps.push((t, Actor::Donor, Action::Claim));
            t += r.range(D, 14 * D);
            steps.push((t, Actor::Staff, Action::RecordFulfilment { note: text("捐赠方已送达物品，受助人已确认") }));
            t += r.range(2 * H, 3 * D);
            steps.push((t, Actor::Staff, Action::GiveFeedback { message: text("您的微心愿已实现，感谢您的信任") }));
        }
        Kind::Project => {
            steps.push((t, Actor::Staff, Action::Accept { plan: text("已受理，将组织现场勘查并公示") }));
            t += r.range(D, 5 * D);
            steps.push((t, Actor::Staff, Action::StartNotice { days: 7 }));
            t += r.range(7 * D, 12 * D);
            let budget = (amount as f64 * (0.8 + r.below(30) as f64 / 100.0)) as i64 / 100 * 100;
            steps.push((
                t,
                Actor::Staff,
                Action::Approve { budget_yuan: budget.max(1000), plan: text("经公示无异议，立项实施") },
            ));
            t += r.range(3 * D, 20 * D);
            steps.push((t, Actor::Staff, Action::StartWork));
            for pct in [30u8, 70] {
                t += r.range(10 * D, 40 * D);
                steps.push((t, Actor::Staff, Action::Progress { percent: pct, note: text("施工按计划推进") }));
            }
            t += r.range(10 * D, 60 * D);
            steps.push((t, Actor::Staff, Action::Complete { inspection: text("已完工并通过验收") }));
            t += r.range(D, 5 * D);
            steps.push((t, Actor::Staff, Action::GiveFeedback { message: text("项目已完工验收，欢迎评价") }));
        }
    }
    if r.pct(80) {
        t += r.range(6 * H, 10 * D);
        let rating = rate(r);
        let unhappy = matches!(rating, Action::Rate { rating, .. } if rating.is_bad());
        steps.push((t, Actor::Resident, rating));
        if unhappy && r.pct(50) {
            t += r.range(H, 3 * D);
            steps.push((t, Actor::Resident, Action::RequestReopen));
            t += r.range(D, 7 * D);
            steps.push((t, Actor::Staff, Action::GiveFeedback { message: text("已重新办理，请再次评价") }));
            t += r.range(D, 7 * D);
            steps.push((t, Actor::Resident, rate(r)));
        } else if unhappy {
            // The 差评's rectification, 1 to 9 days later (5 working days allowed: some are late).
            steps.push((
                t + (amount % 9 + 1) * D,
                Actor::Staff,
                Action::Rectify { note: text("已上门整改并向群众说明") },
            ));
        }
    } else {
        steps.push((t + 3 * D + amount % 5 * H, Actor::Staff, callback()));
    }
    steps
}

fn callback() -> Action {
    Action::RecordCallback {
        reached: true, rating: None, note: "电话回访：群众表示已知晓办理结果".to_string()
    }
}

fn rate(r: &mut Rng) -> Action {
    let roll = r.below(100);
    // The five levels of 好差评; satisfied (the top three) stays 93 in 100 as before.
    let rating = if roll < 30 {
        Rating::VerySatisfied
    } else if roll < 78 {
        Rating::Satisfied
    } else if roll < 93 {
        Rating::BasicallySatisfied
    } else if roll < 98 {
        Rating::Unsatisfied
    } else {
        Rating::VeryUnsatisfied
    };
    let aware = match r.below(10) {
        0..=1 => None,
        2 => Some(false),
        _ => Some(true),
    };
    let comment = if r.pct(30) { "办事效率高，感谢！" } else { "" };
    Action::Rate { rating, comment: comment.to_string(), aware }
}

fn token(r: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..26).map(|_| ALPHABET[r.below(36) as usize] as char).collect()
}

/// Fills the database with `opts.items` demo items.
pub async fn seed_demo(db: &Db, opts: &SeedOptions) -> Result<SeedReport> {
    let towns = db.towns().await?;
    let communities = db.all_communities().await?;
    let cal: WorkCalendar = db.calendar().await?;
    let rules: DeadlineRules = db.settings().await?.deadlines;
    if towns.is_empty() || communities.is_empty() {
        return Err(StoreError::Corrupt("no towns or communities loaded".into()));
    }
    let by_town: Vec<(String, Vec<i64>)> = towns
        .iter()
        .map(|t| (t.slug.clone(), communities.iter().filter(|c| c.town_slug == t.slug).map(|c| c.id).collect()))
        .collect();
    // Bigger towns get more items: a fixed weight per town position, the same on every backend.
    let weights: Vec<u64> = (0..by_town.len()).map(|i| 2 + (i as u64 * 7) % 5).collect();
    let total_weight: u64 = weights.iter().sum();

    // Nothing is submitted or answered after now, even when the period ends later today.
    let end = opts.until.end_ts().min(crate::now());
    let start = opts.until.add_days(-(365 * i64::from(opts.years.max(1))) + 1).start_ts();
    let span = (end - start) as u64;

    let mut next_id: i64 = sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM items")
        .fetch_one(&db.pool)
        .await?
        .try_get("m")?;
    let mut counters: std::collections::HashMap<(Kind, i32), i64> = std::collections::HashMap::new();
    for r in sqlx::query("SELECT kind, year, last FROM item_counters").fetch_all(&db.pool).await? {
        let kind: String = r.try_get("kind")?;
        let year: i64 = r.try_get("year")?;
        if let Some(k) = Kind::from_code(&kind) {
            counters.insert((k, year as i32), r.try_get("last")?);
        }
    }

    let mut rng = Rng::new(opts.seed);
    let mut report = SeedReport { items: 0, events: 0, samples: Vec::new() };
    // The most recent item in each of these states is printed as a link to try.
    let wanted_samples = [
        Status::FeedbackGiven,
        Status::Closed,
        Status::Routed,
        Status::InProgress,
        Status::Published,
        Status::Declined,
    ];
    let mut samples: Vec<Option<(String, String, Status)>> = vec![None; wanted_samples.len()];
    const TX_ITEMS: u64 = 5_000;
    let mut i: u64 = 0;
    while i < opts.items {
        let n = TX_ITEMS.min(opts.items - i);
        let mut items: Vec<SeedItem> = Vec::with_capacity(n as usize);
        let mut events: Vec<SeedEvent> = Vec::with_capacity(n as usize * 8);
        for j in i..i + n {
            // Spread evenly over the year with jitter inside each slot, so numbers follow time.
            let slot = span / opts.items.max(1);
            let submitted = start + (j * span / opts.items.max(1)) as i64 + rng.below(slot.max(1)) as i64;
            let mut w = rng.below(total_weight);
            let mut ti = 0;
            while w >= weights[ti] {
                w -= weights[ti];
                ti += 1;
            }
            let (town, comms) = &by_town[ti];
            // A park whose only committee is a statistical unit (松山湖, 滨海湾) has no village to pick.
            let community_id = (!comms.is_empty()).then(|| *rng.pick(comms));
            let kind = if rng.pct(62) { Kind::Wish } else { Kind::Project };
            let (category, title, description, location, amount, urgent, submitted_by) = match kind {
                Kind::Wish => {
                    let b = *rng.pick(Beneficiary::ALL);
                    let (need, mut amount) = wish_need(b, &mut rng);
                    let urgent = rng.pct(8);
                    if urgent && rng.pct(40) {
                        amount = rng.range(1_200, 8_000) / 100 * 100;
                    }
                    let by = *rng.pick(&["self", "helper", "helper", "organisation"]);
                    (b.code().to_string(), String::new(), need, String::new(), amount.max(10), urgent, by)
                }
                Kind::Project => {
                    let c = *rng.pick(Category::ALL);
                    let (t, d) = project_text(c, &mut rng);
                    let amount = rng.range(20, 200) * 1000;
                    (
                        c.code().to_string(),
                        t.to_string(),
                        d.to_string(),
                        "村（社区）委员会附近".to_string(),
                        amount,
                        false,
                        "self",
                    )
                }
            };
            let year = Date::from_timestamp(submitted).year;
            let seq = counters.entry((kind, year)).or_insert(0);
            *seq += 1;
            next_id += 1;
            let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
            let phone = format!("1{}{:09}", rng.range(3, 9), rng.below(1_000_000_000));
            let feedback_due_at = rules.feedback_due(&cal, kind, urgent, submitted);
            let mut facts = Facts::default();
            let mut state =
                ItemState { kind, status: Status::Submitted, rating: None, reopened: false, order: Default::default() };
            events.push(SeedEvent {
                item_id: next_id,
                at: submitted,
                actor: "resident",
                action: "submit",
                from: None,
                to: Status::Submitted,
                public: true,
                body: String::new(),
            });
            let route = Action::Route { town: town.clone() };
            let mut steps = vec![(submitted, Actor::System, route)];
            steps.extend(plan(kind, &mut rng, submitted, amount));
            let mut updated_at = submitted;
            let mut public_text = None;
            for (at, actor, mut action) in steps {
                if at > end {
                    break;
                }
                if let Action::Publish { text } = &mut action {
                    // The demo's reviewer publishes the need with its numbers hidden.
                    *text = domain::mask::public_draft(&description);
                    public_text = Some(text.clone());
                }
                state.order =
                    domain::workorder::order_state(kind, state.status, &facts, feedback_due_at, at, (&rules, &cal));
                let out = transition(&state, actor, &action)
                    .map_err(|e| StoreError::Corrupt(format!("seed plan refused: {e:?}")))?;
                apply(&mut facts, kind, &out, &action, at, (&rules, &cal));
                events.push(SeedEvent {
                    item_id: next_id,
                    at,
                    actor: crate::items::actor_code(actor),
                    action: action.code(),
                    from: Some(state.status),
                    to: out.to,
                    public: out.public,
                    body: action.text(),
                });
                state.status = out.to;
                state.rating = facts.rating;
                state.reopened = facts.reopen_count > 0;
                updated_at = at;
            }
            let item = SeedItem {
                id: next_id,
                number: item_number(kind, year, *seq),
                kind,
                year,
                seq: *seq,
                token: token(&mut rng),
                status: state.status,
                community_id,
                category,
                title,
                description,
                location,
                amount,
                urgent,
                submitted_by,
                helper_org: (submitted_by == "organisation").then(|| "镇社工服务站".to_string()),
                contact_name: name,
                phone,
                submitted_at: submitted,
                feedback_due_at,
                facts,
                updated_at,
                public_text,
                beneficiary: (submitted_by != "self").then(|| {
                    (
                        format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
                        format!("{}巷{}号", rng.range(1, 20), rng.range(1, 60)),
                    )
                }),
            };
            if let Some(pos) = wanted_samples.iter().position(|s| *s == item.status) {
                samples[pos] = Some((item.number.clone(), item.token.clone(), item.status));
            }
            items.push(item);
        }
        write_batch(db, &items, &events, &counters).await?;
        report.items += items.len() as u64;
        report.events += events.len() as u64;
        i += n;
    }
    report.samples = samples.into_iter().flatten().collect();
    if db.backend == Backend::Postgres {
        for t in ["items", "item_events"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {t}))"
            ))
            .execute(&db.pool)
            .await?;
        }
    }
    seed_budgets(db, Date::from_timestamp(start).year, opts.until.year).await?;
    if db.backend == Backend::Postgres {
        // A million rows written at once: statistics for the planner and the visibility map for
        // index-only counts, now rather than whenever autovacuum comes by (the inbox's counts of tens
        // of thousands of entries took 4× longer until it did).
        sqlx::query("VACUUM ANALYZE items").execute(&db.pool).await?;
    }
    Ok(report)
}

/// Demo allocations: each town with adopted projects in a year gets 130% of what it adopted, rounded
/// up to 10,000 yuan (so the dashboard's budget table has something to show; an admin can change it).
/// Towns that already have an allocation for the year keep it.
async fn seed_budgets(db: &Db, from_year: i32, to_year: i32) -> Result<()> {
    for year in from_year..=to_year {
        for b in db.town_budgets(year).await? {
            if b.line.allocation_yuan.is_some() || b.line.committed_yuan == 0 || b.town_slug.is_empty() {
                continue;
            }
            let allocation = (b.line.committed_yuan * 13 / 10 + 9_999) / 10_000 * 10_000;
            db.set_town_budget(&b.town_slug, year, allocation, Date::new(year, 1, 1).map_or(0, |d| d.start_ts()))
                .await?;
        }
    }
    Ok(())
}
