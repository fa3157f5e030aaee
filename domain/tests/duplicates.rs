//! Precision and recall of duplicate suggestions (issue 21) on a labelled sample: the demo data's
//! micro-projects and micro-wishes (`store/src/seed.rs`) as the requests already open in a village, and
//! residents' own words for the same needs (each labelled with the request it repeats), plus new needs
//! that repeat nothing. A suggestion is right when it names the request the words repeat.

use domain::duplicates::{similarity, suggest, THRESHOLD};

/// The demo's micro-projects: title and description.
const PROJECTS: &[&str] = &[
    "修复村口道路路灯 村口主路多盏路灯损坏，夜间出行不安全",
    "硬化巷道路面 巷道雨天泥泞，老人小孩容易滑倒",
    "加装楼道扶手 老旧小区楼道没有扶手，老人上下楼困难",
    "修建无障碍坡道 社区服务中心门口只有台阶，轮椅无法进入",
    "开设长者饭堂 社区独居老人多，希望有一个长者饭堂",
    "添置老人活动中心设施 活动中心桌椅老旧，需要更换",
    "建设儿童阅读角 社区孩子放学后没有看书的地方",
    "翻新儿童游乐设施 小区游乐设施生锈，存在安全隐患",
    "整治河涌垃圾 河涌边垃圾堆积，夏天气味难闻",
    "增设分类垃圾桶 垃圾桶数量不足，经常满溢",
    "修建篮球场 村里年轻人多，缺少运动场地",
    "添置文化广场音响 广场舞活动缺少音响设备",
    "安装监控摄像头 小巷多次发生盗窃，希望加装监控",
    "增设消防设施 出租屋密集，缺少灭火器和消防栓",
    "修缮社区公告栏 公告栏破损，通知无法张贴",
    "建设便民晾晒区 老旧小区缺少公共晾晒场所",
];

/// Residents' words for a need already proposed: (the words, the project they repeat).
const PROJECT_REPEATS: &[(&str, usize)] = &[
    ("村口路灯坏了 村口那几盏路灯坏了很久，晚上出行很不安全", 0),
    ("路灯维修 主路路灯不亮，夜间走路看不见", 0),
    ("巷道路面硬化 下雨天巷道全是泥，老人容易滑倒", 1),
    ("修巷子的路 巷道泥泞，小孩上学经常滑倒", 1),
    ("楼道装扶手 楼道没有扶手，老人上下楼很困难", 2),
    ("给老楼加扶手 老旧小区楼梯没有扶手", 2),
    ("服务中心门口建坡道 门口全是台阶，坐轮椅的进不去", 3),
    ("无障碍通道 社区服务中心没有无障碍坡道，轮椅无法进入", 3),
    ("办长者饭堂 独居老人吃饭不方便，希望开个长者饭堂", 4),
    ("老人食堂 村里独居老人多，想要一个长者饭堂", 4),
    ("活动中心换桌椅 老人活动中心的桌椅太旧了，需要更换", 5),
    ("更新活动中心设施 活动中心设施老旧，桌椅坏了", 5),
    ("儿童阅读角 孩子放学后没有地方看书，想建一个阅读角", 6),
    ("社区图书角 孩子放学没有看书的地方", 6),
    ("游乐设施翻新 小区的儿童游乐设施生锈了，有安全隐患", 7),
    ("滑梯生锈 游乐设施生锈很危险，请翻新", 7),
    ("清理河涌垃圾 河涌边堆了很多垃圾，夏天很臭", 8),
    ("河涌整治 河涌垃圾堆积，气味难闻", 8),
    ("多放几个垃圾桶 垃圾桶太少了，经常满出来", 9),
    ("增加分类垃圾桶 分类垃圾桶数量不够，经常满溢", 9),
    ("建篮球场 年轻人没有运动的场地，想建个篮球场", 10),
    ("运动场地 村里缺少运动场地，建议修建篮球场", 10),
    ("广场音响 跳广场舞没有音响设备", 11),
    ("文化广场添音响 广场舞活动缺少音响", 11),
    ("巷子装监控 小巷经常有人偷东西，希望装监控摄像头", 12),
    ("加装摄像头 多次发生盗窃，需要加装监控", 12),
    ("出租屋消防 出租屋很多，缺少灭火器", 13),
    ("配消防栓 出租屋密集，没有消防栓和灭火器", 13),
    ("公告栏修一下 社区公告栏破了，通知贴不上", 14),
    ("修缮公告栏 公告栏破损无法张贴通知", 14),
    ("晾衣服的地方 老旧小区没有公共晾晒场所", 15),
    ("便民晾晒区 小区缺少晾晒衣被的地方", 15),
];

/// New needs that repeat none of the projects.
const PROJECT_NEW: &[&str] = &[
    "修建公共厕所 村里菜市场附近没有公厕",
    "增设公交站亭 公交站没有遮雨棚，下雨等车淋湿",
    "疏通下水道 雨季下水道堵塞，路面积水严重",
    "种植行道树 主干道两旁没有树，夏天太晒",
    "建设停车场 电动车乱停乱放，堵塞消防通道",
    "安装充电桩 电动车没有地方充电，飞线充电危险",
    "修补破损围墙 学校旁边围墙倒塌一段",
    "设置减速带 学校门口车速太快，孩子过马路危险",
];

/// The demo's micro-wishes (a sample of each group).
const WISHES: &[&str] = &[
    "独居老人需要一台轮椅",
    "老人需要一副助听器",
    "独居老人冬天需要一床新棉被",
    "残疾人需要一辆电动轮椅",
    "视障人士需要一部读屏手机",
    "留守儿童需要一个新书包和课外书",
    "困境儿童需要一张书桌和台灯",
    "低收入家庭冰箱坏了，需要一台二手冰箱",
    "低收入家庭需要一台洗衣机",
    "病后康复需要一台制氧机",
];

const WISH_REPEATS: &[(&str, usize)] = &[
    ("家里老人一个人住，腿脚不便需要轮椅", 0),
    ("独居阿婆想要一台轮椅", 0),
    ("老人耳朵听不见，需要助听器", 1),
    ("独居老人冬天没有厚棉被", 2),
    ("残疾人出行需要电动轮椅", 3),
    ("视力障碍，需要一部可以读屏的手机", 4),
    ("留守儿童没有书包，也想要课外书", 5),
    ("孩子写作业没有书桌和台灯", 6),
    ("家里冰箱坏了，想要一台二手冰箱", 7),
    ("洗衣机坏了，低收入家庭买不起", 8),
    ("病后在家康复，需要制氧机", 9),
];

/// (suggestions made, right ones, repeats found among their first suggestions, repeats)
fn measure(existing: &[&str], repeats: &[(&str, usize)], new: &[&str]) -> (usize, usize, usize, usize) {
    let (mut made, mut right, mut found) = (0, 0, 0);
    for (words, of) in repeats {
        let got = suggest(words, existing.iter().copied());
        made += got.len();
        right += got.iter().filter(|(i, _)| i == of).count();
        if got.iter().any(|(i, _)| i == of) {
            found += 1;
        }
    }
    for words in new {
        made += suggest(words, existing.iter().copied()).len();
    }
    (made, right, found, repeats.len())
}

#[test]
fn suggestions_are_mostly_right_and_find_most_repeats() {
    let (made, right, found, total) = measure(PROJECTS, PROJECT_REPEATS, PROJECT_NEW);
    let precision = right as f64 / made as f64;
    let recall = found as f64 / total as f64;
    println!("projects: threshold {THRESHOLD}: {made} suggestions, {right} right: precision {precision:.2}, recall {found}/{total} = {recall:.2}");
    let (wmade, wright, wfound, wtotal) = measure(WISHES, WISH_REPEATS, &[]);
    let wprecision = wright as f64 / wmade as f64;
    println!("wishes: {wmade} suggestions, {wright} right: precision {wprecision:.2}, recall {wfound}/{wtotal}");
    assert!(precision >= 0.8, "project precision {precision:.2}");
    assert!(recall >= 0.9, "project recall {recall:.2}");
    assert!(wprecision >= 0.8, "wish precision {wprecision:.2}");
}

#[test]
fn new_needs_get_no_suggestion() {
    for words in PROJECT_NEW {
        let best = PROJECTS.iter().map(|p| similarity(words, p)).fold(0.0, f64::max);
        assert!(best < THRESHOLD, "{words}: {best:.2}");
    }
}
