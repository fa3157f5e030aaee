//! Photos as pages show them: a gallery of small copies linking to the large ones, with captions.

use crate::ui::i18n::{local_time, t};
use domain::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A photo of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoView {
    pub token: String,
    pub caption: String,
    /// Of the large copy.
    pub width: i64,
    pub height: i64,
    pub created_at: i64,
}

/// The small copy's size, from the large one's (long side 480).
fn small_size(w: i64, h: i64) -> (i64, i64) {
    let long = w.max(h).max(1);
    if long <= 480 {
        (w, h)
    } else {
        ((w * 480 + long / 2) / long, (h * 480 + long / 2) / long)
    }
}

/// The photos of an item (nothing when there are none).
#[component]
pub fn PhotoGallery(lang: Lang, photos: Vec<PhotoView>) -> impl IntoView {
    (!photos.is_empty()).then(|| {
        let figures = photos
            .into_iter()
            .map(|p| {
                let (w, h) = small_size(p.width, p.height);
                let alt = if p.caption.is_empty() { t(lang, "photo.alt") } else { p.caption.clone() };
                view! {
                    <figure>
                        <a href=format!("/photos/{}/large", p.token)>
                            <img src=format!("/photos/{}/small", p.token) alt=alt width=w.to_string() height=h.to_string() loading="lazy" />
                        </a>
                        <figcaption>{p.caption.clone()}" "<time>{local_time(p.created_at)}</time></figcaption>
                    </figure>
                }
            })
            .collect_view();
        view! {
            <section class="card" id="photos" aria-labelledby="photos-h">
                <h2 id="photos-h">{t(lang, "photo.title")}</h2>
                <div class="gallery">{figures}</div>
            </section>
        }
    })
}

#[cfg(feature = "ssr")]
pub mod ops;

#[cfg(test)]
mod tests {
    #[test]
    fn the_small_copy_keeps_the_shape() {
        assert_eq!(super::small_size(1280, 960), (480, 360));
        assert_eq!(super::small_size(960, 1280), (360, 480));
        assert_eq!(super::small_size(300, 200), (300, 200));
    }
}
