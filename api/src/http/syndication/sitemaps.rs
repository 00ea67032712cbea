//! Sitemaps (sitemaps.org 0.9, with Google's image and news extensions) as XML.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::Published;
use entities::article;
use kronika_core::content::syndication::{SitemapEntry, SitemapPageSummary};

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const IMAGE_NS: &str = "http://www.google.com/schemas/sitemap-image/1.1";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
/// Google reads at most this many images of one address.
const MAX_IMAGES_PER_URL: usize = 1_000;

fn document(write_body: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> io::Result<String> {
    let mut writer = Writer::new(Vec::new());
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    write_body(&mut writer)?;
    String::from_utf8(writer.into_inner()).map_err(io::Error::other)
}

fn text_element(writer: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// The index: one `<sitemap>` per page, at `{page_url}?page=N`.
pub(super) fn index(pages: &[SitemapPageSummary], published: &Published) -> io::Result<String> {
    document(|writer| {
        writer
            .create_element("sitemapindex")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|writer| {
                for page in pages {
                    writer
                        .create_element("sitemap")
                        .write_inner_content(|writer| {
                            let location = format!("{}?page={}", published.self_url, page.number);
                            text_element(writer, "loc", &location)?;
                            if let Some(time) = page.last_modified {
                                text_element(
                                    writer,
                                    "lastmod",
                                    &published.local(time).to_rfc3339(),
                                )?;
                            }
                            Ok(())
                        })?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

/// One page: every article's address with its last change and its gallery's photos.
pub(super) fn page(entries: &[SitemapEntry], published: &Published) -> io::Result<String> {
    document(|writer| {
        writer
            .create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .with_attribute(("xmlns:image", IMAGE_NS))
            .write_inner_content(|writer| {
                for entry in entries {
                    writer.create_element("url").write_inner_content(|writer| {
                        let location = published.site.article_url.article_url(&entry.slug);
                        text_element(writer, "loc", &location)?;
                        let modified = published.local(entry.last_modified).to_rfc3339();
                        text_element(writer, "lastmod", &modified)?;
                        let images = entry
                            .photos
                            .iter()
                            .filter_map(|photo| {
                                published.rendition_url(&photo.content_hash, &photo.widths)
                            })
                            .take(MAX_IMAGES_PER_URL);
                        for image in images {
                            writer
                                .create_element("image:image")
                                .write_inner_content(|writer| {
                                    text_element(writer, "image:loc", &image)
                                })?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

/// The Google News sitemap of recent articles.
pub(super) fn news(articles: &[article::Model], published: &Published) -> io::Result<String> {
    document(|writer| {
        writer
            .create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .with_attribute(("xmlns:news", NEWS_NS))
            .write_inner_content(|writer| {
                for article in articles {
                    writer.create_element("url").write_inner_content(|writer| {
                        let location = published.site.article_url.article_url(&article.slug);
                        text_element(writer, "loc", &location)?;
                        writer
                            .create_element("news:news")
                            .write_inner_content(|writer| {
                                writer
                                    .create_element("news:publication")
                                    .write_inner_content(|writer| {
                                        text_element(writer, "news:name", &published.site.name)?;
                                        text_element(writer, "news:language", published.language())
                                    })?;
                                let date = published
                                    .local(article.published_at.unwrap_or(article.created_at));
                                text_element(writer, "news:publication_date", &date.to_rfc3339())?;
                                text_element(writer, "news:title", &article.title)
                            })?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })
}
