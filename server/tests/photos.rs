//! Photos over HTTP on SQLite and PostgreSQL: town staff add a photo to a project with location data
//! in its EXIF; what is served is upright, at most 1280/480 px, and carries none of that data; wrong
//! types, broken and oversized files are refused next to the field with the caption kept; staff of
//! another town cannot add one; the public project page shows the photo.

mod support;

use domain::Role;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use support::{add_user, backends, get_with, signed_in, TestApp};

const SECRET: &str = "GPS 22.9735N 113.7518E Pixel 8";

/// A 2000×1500 JPEG with an EXIF block: a description holding [`SECRET`] and orientation 6 (the
/// camera was turned: show it rotated 90° clockwise, i.e. 1500×2000).
fn jpeg_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_fn(2000, 1500, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 80).encode_image(&img).unwrap();
    let mut text = SECRET.as_bytes().to_vec();
    text.push(0);
    let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend(2u16.to_be_bytes());
    // 0x010E ImageDescription, ASCII, its text at offset 38.
    tiff.extend([0x01, 0x0E, 0x00, 0x02]);
    tiff.extend((text.len() as u32).to_be_bytes());
    tiff.extend(38u32.to_be_bytes());
    // 0x0112 Orientation, SHORT, 6.
    tiff.extend([0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06, 0, 0]);
    tiff.extend(0u32.to_be_bytes());
    tiff.extend(&text);
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend(tiff);
    let mut out = plain[..2].to_vec(); // SOI
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    number: &str,
    bytes: Vec<u8>,
    name: &str,
    caption: &str,
) -> (StatusCode, String, String) {
    let form = Form::new()
        .part("photo", Part::bytes(bytes).file_name(name.to_string()).mime_str("image/jpeg").unwrap())
        .text("caption", caption.to_string());
    let r = c.post(format!("{}/staff/items/{number}/photos", app.base)).multipart(form).send().await.unwrap();
    let status = r.status();
    let to = r.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, to, r.text().await.unwrap_or_default())
}

/// A project of Humen adopted and under construction; its number.
async fn project_in_progress(app: &TestApp) -> String {
    use domain::lifecycle::{Action, Actor};
    let item = store::NewItem {
        kind: domain::Kind::Project,
        category: "roads_lighting".into(),
        title: "修复村口路灯".into(),
        description: "村口主路多盏路灯损坏".into(),
        location: "村口".into(),
        amount_yuan: 80_000,
        urgent: false,
        submitted_by: "self".into(),
        helper_org: None,
        contact_name: "李华明".into(),
        contact_phone: "13812341234".into(),
        contact_email: None,
        lang: "zh-Hans".into(),
        town_slug: Some("humen".into()),
        community_id: None,
        place_text: None,
        beneficiary: None,
        submission_key: None,
        submitted_at: store::now(),
        acceptance_due_at: store::now() + 86_400,
        feedback_due_at: store::now() + 30 * 86_400,
        sign_due_at: None,
        return_due_at: None,
    };
    let c = app.db.create_item(&item).await.unwrap();
    for a in [
        Action::Accept { plan: "可行".into() },
        Action::StartNotice { days: 7 },
        Action::Approve { budget_yuan: 75_000, plan: "立项".into() },
        Action::StartWork,
    ] {
        app.db.act(c.id, None, Actor::Staff, "s", &a, store::now()).await.unwrap();
    }
    c.number
}

#[tokio::test]
async fn staff_add_a_photo_whose_location_data_is_gone_and_which_is_served_upright_and_resized() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "hm1@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        add_user(&app, "gc1@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        let number = project_in_progress(&app).await;
        let original = jpeg_with_exif();
        assert!(original.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()), "the upload carries the data");
        let hm = signed_in(&app, "hm1@dg.gov.cn").await;

        // Not a photo (whatever its name says), a broken JPEG, and an oversized file: refused next to
        // the field, the caption kept, nothing stored.
        let (status, _, html) = upload(&app, &hm, &number, b"hello, not a photo".to_vec(), "a.jpg", "灯杆到货").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(html.contains("请上传 JPG、PNG 或 WebP 格式的照片") && html.contains("value=\"灯杆到货\""), "{b}");
        let mut broken = vec![0xFF, 0xD8, 0xFF, 0xE0];
        broken.extend(b"not really a jpeg ".repeat(100));
        let (status, _, html) = upload(&app, &hm, &number, broken, "b.jpg", "坏文件").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(html.contains("无法读取"), "{b}");
        let mut big = original.clone();
        big.resize(11 * 1024 * 1024, 0);
        let (status, _, html) = upload(&app, &hm, &number, big, "c.jpg", "太大").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
        assert!(html.contains("照片太大"), "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert!(app.db.photos_of_item(item.id).await.unwrap().is_empty(), "{b}");
        let photo_audits = |entries: Vec<store::AuditEntry>| entries.iter().filter(|e| e.action == "photo").count();
        assert_eq!(
            photo_audits(app.db.audit_for_item(item.id).await.unwrap()),
            0,
            "{b}: a refused photo leaves no audit"
        );

        // Staff of another town cannot see the item, so cannot add to it.
        let gc = signed_in(&app, "gc1@dg.gov.cn").await;
        let (status, _, _) = upload(&app, &gc, &number, original.clone(), "d.jpg", "").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}");
        // Nobody signed in: refused.
        let (status, _, _) = upload(&app, &app.browser(), &number, original.clone(), "e.jpg", "").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{b}");

        let (status, to, _) = upload(&app, &hm, &number, original.clone(), "IMG_0001.jpg", "灯杆已安装").await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("/staff/items/{number}?done=photo#photos")), "{b}");
        let photos = app.db.photos_of_item(item.id).await.unwrap();
        assert_eq!(photos.len(), 1, "{b}");
        // The photo and its audit row are written together.
        assert_eq!(photo_audits(app.db.audit_for_item(item.id).await.unwrap()), 1, "{b}");
        let p = &photos[0];
        assert_eq!((p.width, p.height, p.caption.as_str()), (960, 1280, "灯杆已安装"), "{b}: upright, long side 1280");

        for (size, long) in [("large", 1280), ("small", 480)] {
            let r = app.http.get(format!("{}/photos/{}/{size}", app.base, p.token)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{b}");
            assert_eq!(r.headers()["content-type"], "image/jpeg", "{b}");
            let bytes = r.bytes().await.unwrap().to_vec();
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{b}: no EXIF block in the {size} copy");
            assert!(!bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()), "{b}: {size}");
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!(img.width().max(img.height()), long, "{b}: {size}");
            assert!(img.height() > img.width(), "{b}: {size} is upright (portrait)");
        }
        let (status, _) = app.get("/photos/aaaaaaaaaaaaaaaaaaaaaaaaaa/large").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}");
        let (status, _) = app.get(&format!("/photos/{}/original", p.token)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}");

        // The staff page and the public project page show it.
        let (_, html) = get_with(&hm, &app.base, &format!("/staff/items/{number}")).await;
        assert!(html.contains(&format!("/photos/{}/small", p.token)), "{b}");
        let (_, html) = app.get(&format!("/projects/{number}")).await;
        assert!(html.contains(&format!("/photos/{}/small", p.token)) && html.contains("灯杆已安装"), "{b}");
    }
}
