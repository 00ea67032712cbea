//! RSS 2.0 and Atom 1.0 documents of a feed's articles.

use std::io;

use atom_syndication as atom;
use chrono::{DateTime, Utc};
use rss::extension::atom::AtomExtension;
use rss::extension::dublincore::DublinCoreExtension;

use super::Published;
use kronika_core::content::syndication::{Feed, FeedItem, FeedTopic};

/// The date part of a feed's tag URI: any date the site's name was held will do, and it
/// must never change, or readers would see a new feed.
const FEED_ID_DATE: &str = "2026";

/// The channel's title and description, in the site's language.
fn title(published: &Published, topic: Option<&FeedTopic>) -> String {
    match topic {
        None => published.site.name.clone(),
        Some(topic) => format!("{} – {}", published.site.name, topic.name),
    }
}

fn description(published: &Published, topic: Option<&FeedTopic>, is_tag: bool) -> String {
    match topic {
        None => format!("Najnowsze artykuły: {}", published.site.name),
        Some(topic) if is_tag => format!("Najnowsze artykuły z tagiem „{}”", topic.name),
        Some(topic) => format!("Najnowsze artykuły w dziale „{}”", topic.name),
    }
}

/// A permanent, unique id of an article (RFC 4151 tag URI): its slug may change, its id
/// and the day it was created do not, so a reader never shows an edited article twice.
fn entry_id(published: &Published, item: &FeedItem) -> String {
    format!(
        "tag:{},{}:article-{}",
        published.tag_authority(),
        item.article.created_at.format("%Y-%m-%d"),
        item.article.id
    )
}

/// The article's publication time (its creation for the rare article without one).
fn published_at(item: &FeedItem) -> DateTime<Utc> {
    item.article.published_at.unwrap_or(item.article.created_at)
}

/// Section first, then the tags: what the article is filed under.
fn category_names(item: &FeedItem) -> impl Iterator<Item = (&str, &str)> {
    item.section
        .iter()
        .map(|section| (section.slug.as_str(), section.name.as_str()))
        .chain(
            item.tags
                .iter()
                .map(|tag| (tag.slug.as_str(), tag.name.as_str())),
        )
}

/// The RSS 2.0 document, with `content:encoded`, `dc:creator` and `atom:link rel="self"`.
pub(super) fn rss(feed: &Feed, is_tag: bool, published: &Published) -> io::Result<String> {
    let topic = feed.topic.as_ref();
    let items: Vec<rss::Item> = feed
        .items
        .iter()
        .map(|item| {
            let article = &item.article;
            let link = published.site.article_url.article_url(&article.slug);
            let enclosure = published.cover(item).map(|cover| rss::Enclosure {
                url: cover,
                // The size of a rendition is not known without asking the storage; the
                // RSS Best Practices Profile says 0 then.
                length: "0".to_owned(),
                mime_type: "image/jpeg".to_owned(),
            });
            let dublin_core = (!article.byline.trim().is_empty()).then(|| DublinCoreExtension {
                creators: vec![article.byline.clone()],
                ..DublinCoreExtension::default()
            });
            rss::Item {
                title: Some(article.title.clone()),
                link: Some(link),
                description: Some(article.lead.clone()),
                categories: category_names(item)
                    .map(|(_, name)| rss::Category {
                        name: name.to_owned(),
                        domain: None,
                    })
                    .collect(),
                guid: Some(rss::Guid {
                    value: entry_id(published, item),
                    permalink: false,
                }),
                pub_date: Some(published.local(published_at(item)).to_rfc2822()),
                enclosure,
                content: Some(article.body_html.clone()),
                dublin_core_ext: dublin_core,
                ..rss::Item::default()
            }
        })
        .collect();
    let channel = rss::Channel {
        title: title(published, topic),
        link: published.site.article_url.home(),
        description: description(published, topic, is_tag),
        language: Some(published.language().to_owned()),
        last_build_date: feed
            .items
            .iter()
            .map(|item| item.article.updated_at)
            .max()
            .map(|time| published.local(time).to_rfc2822()),
        generator: Some("Kronika".to_owned()),
        items,
        atom_ext: Some(AtomExtension {
            links: vec![atom::Link {
                href: published.self_url.clone(),
                rel: "self".to_owned(),
                mime_type: Some("application/rss+xml".to_owned()),
                ..atom::Link::default()
            }],
        }),
        ..rss::Channel::default()
    };
    let bytes = channel.write_to(Vec::new()).map_err(io::Error::other)?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// The Atom 1.0 document.
pub(super) fn atom(feed: &Feed, is_tag: bool, published: &Published) -> io::Result<String> {
    let topic = feed.topic.as_ref();
    let site_author = atom::Person {
        name: published.site.name.clone(),
        ..atom::Person::default()
    };
    let entries: Vec<atom::Entry> = feed
        .items
        .iter()
        .map(|item| {
            let article = &item.article;
            let mut links = vec![atom::Link {
                href: published.site.article_url.article_url(&article.slug),
                rel: "alternate".to_owned(),
                mime_type: Some("text/html".to_owned()),
                ..atom::Link::default()
            }];
            if let Some(cover) = published.cover(item) {
                links.push(atom::Link {
                    href: cover,
                    rel: "enclosure".to_owned(),
                    mime_type: Some("image/jpeg".to_owned()),
                    ..atom::Link::default()
                });
            }
            let author = if article.byline.trim().is_empty() {
                site_author.clone()
            } else {
                atom::Person {
                    name: article.byline.clone(),
                    ..atom::Person::default()
                }
            };
            atom::Entry {
                title: atom::Text::plain(article.title.clone()),
                id: entry_id(published, item),
                updated: published.local(article.updated_at),
                published: Some(published.local(published_at(item))),
                authors: vec![author],
                categories: category_names(item)
                    .map(|(slug, name)| atom::Category {
                        term: slug.to_owned(),
                        label: Some(name.to_owned()),
                        scheme: None,
                    })
                    .collect(),
                links,
                summary: (!article.lead.is_empty())
                    .then(|| atom::Text::plain(article.lead.clone())),
                content: Some(atom::Content {
                    value: Some(article.body_html.clone()),
                    content_type: Some("html".to_owned()),
                    ..atom::Content::default()
                }),
                ..atom::Entry::default()
            }
        })
        .collect();
    let feed_id = match (topic, is_tag) {
        (None, _) => "feed".to_owned(),
        (Some(topic), true) => format!("feed:tag:{}", topic.slug),
        (Some(topic), false) => format!("feed:section:{}", topic.slug),
    };
    let updated = feed
        .items
        .iter()
        .map(|item| item.article.updated_at)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let document = atom::Feed {
        title: atom::Text::plain(title(published, topic)),
        subtitle: Some(atom::Text::plain(description(published, topic, is_tag))),
        id: format!("tag:{},{FEED_ID_DATE}:{feed_id}", published.tag_authority()),
        updated: published.local(updated),
        authors: vec![site_author],
        links: vec![
            atom::Link {
                href: published.site.article_url.home(),
                rel: "alternate".to_owned(),
                mime_type: Some("text/html".to_owned()),
                ..atom::Link::default()
            },
            atom::Link {
                href: published.self_url.clone(),
                rel: "self".to_owned(),
                mime_type: Some("application/atom+xml".to_owned()),
                ..atom::Link::default()
            },
        ],
        generator: Some(atom::Generator {
            value: "Kronika".to_owned(),
            ..atom::Generator::default()
        }),
        lang: Some(published.language().to_owned()),
        entries,
        ..atom::Feed::default()
    };
    let bytes = document.write_to(Vec::new()).map_err(io::Error::other)?;
    String::from_utf8(bytes).map_err(io::Error::other)
}
